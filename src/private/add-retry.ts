import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApiCallerErrors } from '../contract';
import { RetryPolicy } from '../retry-policy';

/** Retries `errors` on `state` as the policy says (nothing for `RetryPolicy.none()`). */
export function addRetry(state: sfn.TaskStateBase, errors: string[], policy: RetryPolicy): void {
  if (policy.maxAttempts === 0) return;
  state.addRetry({
    errors,
    maxAttempts: policy.maxAttempts,
    interval: policy.interval,
    backoffRate: policy.backoffRate,
    maxDelay: policy.maxDelay,
    jitterStrategy: policy.jitter,
  });
}

/**
 * No call slot yet under the template's rate limit: not a failure, so retried even with
 * RetryPolicy.none(); full jitter spreads the waiting calls over the slots to come.
 */
export function addRateLimitRetry(state: sfn.TaskStateBase): void {
  state.addRetry({
    errors: [ApiCallerErrors.RATE_LIMITED],
    maxAttempts: 20,
    interval: Duration.seconds(1),
    backoffRate: 1.5,
    maxDelay: Duration.seconds(10),
    jitterStrategy: sfn.JitterType.FULL,
  });
}
