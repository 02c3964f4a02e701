import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * CloudWatch alarms on the state machine: `ExecutionsFailed`, `ExecutionThrottled` and
 * `ExecutionsTimedOut`, each raised by one event in a period.
 */
export interface WorkflowAlarmOptions {
  /**
   * Whether the alarms are created.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * SNS topic notified when an alarm fires (and again when it recovers).
   *
   * @default - no notification
   */
  readonly topic?: sns.ITopic;

  /**
   * Period over which the events are counted (a multiple of 60 seconds).
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}
