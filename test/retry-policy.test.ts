import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApiCallerErrors, RetryPolicy } from '../src';

describe('RetryPolicy', () => {
  test('backoff() defaults: 3 retries, 2 s interval, rate 2, 30 s max delay, full jitter', () => {
    const policy = RetryPolicy.backoff();
    expect(policy.maxAttempts).toBe(3);
    expect(policy.interval.toSeconds()).toBe(2);
    expect(policy.backoffRate).toBe(2);
    expect(policy.maxDelay.toSeconds()).toBe(30);
    expect(policy.jitter).toBe(sfn.JitterType.FULL);
  });

  test('backoff() takes every field', () => {
    const policy = RetryPolicy.backoff({
      maxAttempts: 0, interval: Duration.seconds(5), backoffRate: 1, maxDelay: Duration.minutes(1), jitter: sfn.JitterType.NONE,
    });
    expect([policy.maxAttempts, policy.interval.toSeconds(), policy.backoffRate, policy.maxDelay.toSeconds(), policy.jitter])
      .toEqual([0, 5, 1, 60, sfn.JitterType.NONE]);
  });

  test('none() retries nothing', () => {
    expect(RetryPolicy.none().maxAttempts).toBe(0);
  });

  test('CallApi retries the transient renderer errors and the Lambda service errors', () => {
    expect(RetryPolicy.CALL_API_ERRORS).toEqual([
      ApiCallerErrors.RETRYABLE_HTTP, ApiCallerErrors.API_TIMEOUT, ApiCallerErrors.API_CONNECTION, ApiCallerErrors.AUTHENTICATION_UNAVAILABLE,
      'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException', 'Lambda.ClientExecutionTimeoutException',
    ]);
  });

  test('FetchTemplate retries DynamoDB throttling and internal errors', () => {
    expect(RetryPolicy.FETCH_TEMPLATE_ERRORS).toEqual([
      'DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException',
      'DynamoDB.RequestLimitExceeded', 'DynamoDB.InternalServerErrorException',
    ]);
  });
});
