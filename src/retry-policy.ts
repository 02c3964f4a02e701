import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApiCallerErrors } from './contract';

/**
 * Timing of the retries, as in `sfn.RetryProps` (without the error list: the workflow decides
 * which errors are worth retrying).
 */
export interface RetryPolicyProps {
  /**
   * How many times to retry after the first attempt. `0` turns retries off.
   *
   * @default 3
   */
  readonly maxAttempts?: number;

  /**
   * How long to wait before the first retry (whole seconds, at least 1).
   *
   * @default Duration.seconds(2)
   */
  readonly interval?: Duration;

  /**
   * Multiplier by which the wait grows after each retry (at least 1).
   *
   * @default 2
   */
  readonly backoffRate?: number;

  /**
   * Cap on the wait between two attempts (whole seconds, at least `interval`).
   *
   * @default Duration.seconds(30)
   */
  readonly maxDelay?: Duration;

  /**
   * Jitter applied to the wait, so that many executions do not retry in lockstep.
   *
   * @default sfn.JitterType.FULL
   */
  readonly jitter?: sfn.JitterType;
}

/**
 * How the workflow retries transient failures: `RetryableHttpError`, `ApiTimeoutError`,
 * `ApiConnectionError` and `AuthenticationUnavailableError` from the renderer, Lambda service errors on the `CallApi` task and
 * DynamoDB throttling on the `FetchTemplate` task. Render and template errors are never retried.
 *
 * @example
 * RetryPolicy.backoff({ maxAttempts: 5, interval: Duration.seconds(1) });
 * RetryPolicy.none();
 */
export class RetryPolicy {
  /**
   * Errors retried on the `CallApi` task: transient HTTP outcomes raised by the renderer and the
   * Lambda service errors (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
   */
  public static readonly CALL_API_ERRORS: string[] = [
    ApiCallerErrors.RETRYABLE_HTTP,
    ApiCallerErrors.API_TIMEOUT,
    ApiCallerErrors.API_CONNECTION,
    // The token endpoint of an OAuth2 profile answered 429/5xx or could not be reached.
    ApiCallerErrors.AUTHENTICATION_UNAVAILABLE,
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    'Lambda.ClientExecutionTimeoutException',
  ];

  /**
   * Errors retried on the `FetchTemplate` task: DynamoDB throttling and internal errors.
   */
  public static readonly FETCH_TEMPLATE_ERRORS: string[] = [
    'DynamoDB.ProvisionedThroughputExceededException',
    'DynamoDB.ThrottlingException',
    'DynamoDB.RequestLimitExceeded',
    'DynamoDB.InternalServerErrorException',
  ];

  /**
   * Exponential backoff with jitter. Every field has a default, so `RetryPolicy.backoff()` is the
   * policy the construct uses when `retry` is not given.
   */
  public static backoff(props: RetryPolicyProps = {}): RetryPolicy {
    return new RetryPolicy(
      props.maxAttempts ?? 3,
      props.interval ?? Duration.seconds(2),
      props.backoffRate ?? 2,
      props.maxDelay ?? Duration.seconds(30),
      props.jitter ?? sfn.JitterType.FULL,
    );
  }

  /**
   * No retries at all: every failure ends the execution at once.
   */
  public static none(): RetryPolicy {
    return new RetryPolicy(0, Duration.seconds(1), 1, Duration.seconds(1), sfn.JitterType.NONE);
  }

  /** Retries after the first attempt; `0` means no retries. */
  public readonly maxAttempts: number;
  /** Wait before the first retry. */
  public readonly interval: Duration;
  /** Multiplier of the wait after each retry. */
  public readonly backoffRate: number;
  /** Cap on the wait between two attempts. */
  public readonly maxDelay: Duration;
  /** Jitter applied to the wait. */
  public readonly jitter: sfn.JitterType;

  private constructor(maxAttempts: number, interval: Duration, backoffRate: number, maxDelay: Duration, jitter: sfn.JitterType) {
    this.maxAttempts = maxAttempts;
    this.interval = interval;
    this.backoffRate = backoffRate;
    this.maxDelay = maxDelay;
    this.jitter = jitter;
  }
}
