import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkWholeSeconds } from './checks';
import { ValidationError } from './validation-error';
import { WorkflowAlarmOptions } from '../alarms';

/** The alarms the construct creates. */
export interface WorkflowAlarms {
  readonly executionsFailed: cloudwatch.Alarm;
  readonly executionsThrottled: cloudwatch.Alarm;
  readonly executionsTimedOut: cloudwatch.Alarm;
}

/** Creates the alarms, or returns undefined when they are disabled. */
export function workflowAlarms(scope: Construct, stateMachine: sfn.StateMachine, options: WorkflowAlarmOptions = {}): WorkflowAlarms | undefined {
  if (options.enabled === false) return undefined;
  const period = options.period ?? Duration.minutes(5);
  const seconds = checkWholeSeconds(scope, 'alarms.period', period, Duration.minutes(1), Duration.days(1));
  if (seconds % 60 !== 0) {
    throw new ValidationError('alarms.period', `must be a multiple of 60 seconds, got ${period.toHumanString()}`, scope);
  }
  const alarm = (id: string, metric: cloudwatch.Metric, what: string) => {
    const created = new cloudwatch.Alarm(scope, id, {
      metric: metric.with({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${what} (templated-api-caller ${scope.node.path})`,
    });
    if (options.topic) {
      created.addAlarmAction(new actions.SnsAction(options.topic));
      created.addOkAction(new actions.SnsAction(options.topic));
    }
    return created;
  };
  return {
    executionsFailed: alarm('ExecutionsFailedAlarm', stateMachine.metricFailed(), 'An execution failed'),
    executionsThrottled: alarm('ExecutionThrottledAlarm', stateMachine.metricThrottled(), 'An execution was throttled'),
    executionsTimedOut: alarm('ExecutionsTimedOutAlarm', stateMachine.metricTimedOut(), 'An execution timed out'),
  };
}
