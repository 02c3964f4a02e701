import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Options of the renderer Lambda function. Every `lambda.FunctionOptions` field is passed through
 * (VPC, reserved concurrency, layers, ...); the ones below have defaults chosen for the renderer.
 */
export interface RendererFunctionOptions extends lambda.FunctionOptions {
  /**
   * Node.js runtime, 22 or later (the bundle targets Node.js 22).
   *
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Retention of the log group created for the function (ignored when `logGroup` is given).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: logs.RetentionDays;
}
