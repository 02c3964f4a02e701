import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
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
