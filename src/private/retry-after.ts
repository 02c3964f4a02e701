import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkWholeSeconds } from './checks';
import { ApiCallerErrors, RendererDefaults, RendererEnvironment, RetryAfterField } from '../contract';
import { RetryPolicy } from '../retry-policy';
import { WorkflowPaths, WorkflowStateNames as S } from '../workflow-names';

/** Longest wait an EXPRESS execution (5 minutes at most) can hold (an EXPRESS caller's, a batch item's). */
export const EXPRESS_MAX_WAIT = Duration.seconds(299);

/**
 * Tells the renderer how long it may ask the workflow to wait (`maxRetryAfter`) and how many
 * retries the policy allows (Retry-After rounds count against them). With retries off, nothing
 * is set: the renderer never asks to wait.
 */
export function retryAfterEnvironment(
  scope: Construct, fn: lambda.Function, maxRetryAfter: Duration | undefined, retry: RetryPolicy, express: boolean,
): boolean {
  const cap = maxRetryAfter ?? Duration.seconds(RendererDefaults.MAX_RETRY_AFTER_SECONDS);
  const seconds = checkWholeSeconds(scope, 'maxRetryAfter', cap, Duration.seconds(1), express ? EXPRESS_MAX_WAIT : Duration.days(1));
  if (retry.maxAttempts === 0) return false;
  fn.addEnvironment(RendererEnvironment.RETRY_MAX_ATTEMPTS, String(retry.maxAttempts));
  fn.addEnvironment(RendererEnvironment.MAX_RETRY_AFTER_SECONDS, String(seconds));
  return true;
}

/**
 * The Retry-After loop: the renderer raises RetryAfterWait ("retry after <s> s, attempt <n>"),
 * caught into `$.retryAfter`; two Pass states read the seconds and the attempt out of the Lambda
 * error's Cause (a JSON string, so one StringToJson each), a Wait state waits, and the call runs
 * again. Costs 3 state transitions per wait besides the call itself; none on the happy path.
 * The attempt travels in the state because re-entering the call restarts `$$.State.RetryCount`.
 * `stateName` names the loop's states where the workflow has several loops (the batch's processors).
 */
export function retryAfterLoop(scope: Construct, call: sfn.TaskStateBase | sfn.Parallel, stateName = (name: string) => name): void {
  const path = WorkflowPaths.RETRY_AFTER;
  const read = new sfn.Pass(scope, S.READ_RETRY_AFTER, {
    stateName: stateName(S.READ_RETRY_AFTER),
    parameters: { 'error.$': `States.StringToJson(${path}.Cause)` },
    resultPath: path,
  });
  const words = `States.StringSplit(${path}.error.errorMessage, ' ')`;
  const record = new sfn.Pass(scope, S.RECORD_RETRY_AFTER, {
    stateName: stateName(S.RECORD_RETRY_AFTER),
    parameters: {
      [`${RetryAfterField.SECONDS}.$`]: `States.StringToJson(States.ArrayGetItem(${words}, 2))`,
      [`${RetryAfterField.ATTEMPT}.$`]: `States.StringToJson(States.ArrayGetItem(${words}, 5))`,
    },
    resultPath: path,
  });
  const wait = new sfn.Wait(scope, S.WAIT_RETRY_AFTER, {
    stateName: stateName(S.WAIT_RETRY_AFTER),
    time: sfn.WaitTime.secondsPath(`${path}.${RetryAfterField.SECONDS}`),
  });
  call.addCatch(read.next(record).next(wait).next(call), { errors: [ApiCallerErrors.RETRY_AFTER_WAIT], resultPath: path });
}
