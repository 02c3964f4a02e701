import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Logging of the state machine to CloudWatch Logs.
 */
export interface WorkflowLoggingOptions {
  /**
   * Which execution events are logged.
   *
   * @default sfn.LogLevel.ALL
   */
  readonly level?: sfn.LogLevel;

  /**
   * Whether state input and output (the params, the template, the response) go to the logs.
   * Off by default so that tokens and personal data in params never reach the logs.
   *
   * @default false
   */
  readonly includeExecutionData?: boolean;

  /**
   * Retention of the log group the construct creates (ignored when `destination` is given).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;

  /**
   * An existing log group to log to.
   *
   * @default - a new log group
   */
  readonly destination?: logs.ILogGroup;
}
