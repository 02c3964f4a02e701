import { Annotations, CustomResource, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WorkflowAlarmOptions } from './alarms';
import { ApiAuth } from './api-auth';
import { ApiTemplate } from './api-template';
import { RendererEnvironment } from './contract';
import { LargeResponses } from './large-responses';
import { workflowAlarms } from './private/alarms';
import { apiCallWorkflow } from './private/api-call-workflow';
import { authProfiles, checkTemplateAuth } from './private/auth-profiles';
import { checkInteger, checkNumber, checkWholeSeconds } from './private/checks';
import { configureLargeResponses } from './private/large-responses';
import { rateLimitTable } from './private/rate-limit-table';
import { checkRetryableStatuses, rendererFunction } from './private/renderer-function';
import { retryAfterEnvironment } from './private/retry-after';
import { MAX_SEEDED_BYTES, templateItem, templateSeedingResource } from './private/template-seeding';
import { templateTable } from './private/template-table';
import { ValidationError } from './private/validation-error';
import { RenderLimits } from './render-limits';
import { RendererFunctionOptions } from './renderer-function';
import { RetryPolicy } from './retry-policy';
import { StatusRange } from './status-range';
import { TemplateMetrics, TemplateMetricsOptions } from './template-metrics';
import { RendererDefaults } from './template-model';
import { TemplateTableProps } from './template-table';
import { WorkflowLoggingOptions } from './workflow-logging';

/**
 * Props of `TemplatedApiCaller`. Every prop is optional.
 */
export interface TemplatedApiCallerProps {
  /**
   * An existing template table (partition key `PK`, sort key `SK`, both strings).
   * Give either `table` or `tableProps`, not both.
   *
   * @default - a new table built from `tableProps`
   */
  readonly table?: dynamodb.ITable;

  /**
   * Settings of the new template table.
   *
   * @default - on-demand, point-in-time recovery, AWS-managed encryption, `RemovalPolicy.RETAIN`
   */
  readonly tableProps?: TemplateTableProps;

  /**
   * Options of the renderer Lambda function.
   *
   * @default - Node.js 22 on arm64, 256 MB, 30 second timeout, X-Ray active, JSON logs kept one month
   */
  readonly rendererOptions?: RendererFunctionOptions;

  /**
   * Timeout of an HTTP call whose template has no `timeoutMs`. A template's timeout never runs
   * past the function timeout: the renderer cuts it short with `ApiTimeoutError` (retried).
   *
   * @default Duration.seconds(10)
   */
  readonly defaultCallTimeout?: Duration;

  /**
   * Let the renderer call private, loopback and link-local addresses (169.254.169.254 included).
   *
   * @default false
   */
  readonly allowPrivateNetworks?: boolean;

  /**
   * The only hosts templates may call (exact host names, e.g. `api.example.com`).
   *
   * @default - any public host
   */
  readonly allowedHosts?: string[];

  /**
   * Header names whose values the renderer redacts in its logs, on top of its built-in list
   * (Authorization, Cookie, API keys, ...).
   *
   * @default - the built-in list only
   */
  readonly redactHeaders?: string[];

  /**
   * Top-level param names whose values are secrets: the renderer redacts them wherever they would
   * appear in its logs.
   *
   * @default - none
   */
  readonly secretParamNames?: string[];

  /**
   * Request templates kept in code, written to the table at deploy time by one custom resource:
   * templates removed from this list are deleted from the table on the next deployment, and all
   * of them with the stack. Fields are checked at synth time, template syntax at deploy time
   * (before anything is written). More can be added with `addTemplate()`.
   *
   * @default - none: the table's templates are managed outside the stack
   */
  readonly templates?: ApiTemplate[];

  /**
   * Secrets Manager secrets templates may use, by the name they use: `{{ secrets.apiKey }}`, or a
   * field of a JSON secret, `{{ secrets.apiKey.token }}`. The renderer is granted read access and
   * fetches a secret when a template first needs it; values never enter the execution's input,
   * output or history, and are redacted from the renderer's logs and error messages.
   * Names are identifiers (letters, digits, `_`, not starting with a digit).
   *
   * @default - none
   */
  readonly secrets?: Record<string, secretsmanager.ISecret>;

  /**
   * Authentication profiles, by the name templates give in their `auth` field: OAuth 2.0 client
   * credentials (tokens cached and shared), Basic, bearer, API key or AWS SigV4. Only the ARNs
   * of their secrets reach the renderer's environment; it is granted read access to exactly
   * those secrets. A template naming a profile not defined here fails at synth.
   *
   * @default - none: templates send no authentication but what their headers hold
   */
  readonly auth?: Record<string, ApiAuth>;

  /**
   * How long the renderer reuses a fetched secret value before fetching it again (whole seconds,
   * at most one day). A rotated secret is picked up within this time.
   *
   * @default Duration.minutes(5)
   */
  readonly secretsCacheTtl?: Duration;

  /**
   * A request header carrying an idempotency key on every call (e.g. `Idempotency-Key`, as
   * Stripe-style APIs expect): a UUID derived from the execution ARN, so every retry of an
   * execution's call (and a redrive of the execution) sends the same key and every execution
   * another one. A template that sets this header itself keeps its own value.
   *
   * @default - no idempotency key header
   */
  readonly idempotencyKeyHeader?: string;

  /**
   * Budgets of one template render (loop iterations and calls, recursion and nesting depth,
   * string and list sizes, time). A render crossing one fails with `TemplateRenderError` naming
   * the limit, long before the function's memory or timeout; limits not set keep their defaults.
   *
   * @default - the defaults of each `RenderLimits` field
   */
  readonly renderLimits?: RenderLimits;

  /**
   * Statuses the renderer raises as `RetryableHttpError`, so that `retry` applies to them
   * (at least one; none in `successStatus`).
   *
   * @default [429, 500, 502, 503, 504]
   */
  readonly retryableStatuses?: number[];

  /**
   * Largest response body the renderer accepts (larger ones fail with `ResponseTooLargeError`).
   * At most 256 KiB: the response travels in the execution state, which Step Functions caps.
   *
   * @default Size.kibibytes(128)
   */
  readonly maxResponseSize?: Size;

  /**
   * Retries of transient failures (see `RetryPolicy.CALL_API_ERRORS` and
   * `RetryPolicy.FETCH_TEMPLATE_ERRORS`). `RetryPolicy.none()` turns them off.
   *
   * @default RetryPolicy.backoff() - 3 retries, 2 s interval, backoff rate 2, max delay 30 s, full jitter
   */
  readonly retry?: RetryPolicy;

  /**
   * Statuses that end in success; any other status ends in `ApiCallFailed`.
   *
   * @default StatusRange.between(200, 299)
   */
  readonly successStatus?: StatusRange;

  /**
   * Check that the input has string `templateName` and `method` before anything else, and fail
   * with `InvalidInput` otherwise. Costs one state transition per execution. Without it, an input
   * lacking either field fails with `States.Runtime` on `FetchTemplate`.
   *
   * @default false
   */
  readonly validateInput?: boolean;

  /**
   * A Wait state between `FetchTemplate` and the call (whole seconds).
   *
   * @default - no wait
   */
  readonly waitBeforeCall?: Duration;

  /**
   * States run after the template is fetched (and after `waitBeforeCall`), before the call.
   * They receive the state with `template`; they must keep `templateName`, `method`, `params`
   * and `template` in their output (use `resultPath`).
   *
   * @default - none
   */
  readonly beforeCall?: sfn.IChainable;

  /**
   * States run when the status is in the success range, before `Succeeded`. Their output is the
   * execution output.
   *
   * @default - none
   */
  readonly afterSuccess?: sfn.IChainable;

  /**
   * States run on every failure, before `Failed`. They receive the state with `error`
   * (`{ Error, Cause }`) and must keep `error` in their output (use `resultPath`).
   *
   * @default - none
   */
  readonly onFailure?: sfn.IChainable;

  /**
   * Branches run in a Parallel state alongside `CallApi`. Each receives the state the call
   * receives; their outputs land in `branches` (an array, in this order). A failing branch fails
   * the execution with its error.
   *
   * @default - none
   */
  readonly parallelBranches?: sfn.IChainable[];

  /**
   * STANDARD or EXPRESS (executions of at most 5 minutes).
   *
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;

  /**
   * Logging of the state machine.
   *
   * @default - all events, without execution data, to a new log group kept one month
   */
  readonly logging?: WorkflowLoggingOptions;

  /**
   * X-Ray tracing of the state machine.
   *
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Alarms on failed, throttled and timed-out executions.
   *
   * @default - the three alarms, without notification
   */
  readonly alarms?: WorkflowAlarmOptions;

  /**
   * Maximum duration of an execution (whole seconds; at most 5 minutes on EXPRESS).
   *
   * @default - 5 minutes, plus `waitBeforeCall` on STANDARD
   */
  readonly timeout?: Duration;

  /**
   * Longest `Retry-After` (delta-seconds or an HTTP date) on a retryable response that the
   * workflow waits for before the next attempt, in a Wait state (whole seconds, at least 1).
   * A longer one ends the call at once with `ApiCallFailed`; so does a Retry-After once the
   * `retry` budget (which the waits count against) is spent. Ignored when retries are off.
   *
   * @default Duration.seconds(60)
   */
  readonly maxRetryAfter?: Duration;

  /**
   * Response bodies above a threshold (or not text) are streamed to S3 instead of the execution's
   * state; the output carries `response.bodyLocation` (`{ bucket, key, size, contentType }`) and
   * `response.body` is null, or the other way round. Replaces `maxResponseSize`. Templates with
   * `response` or `pagination` keep their bodies in memory (their templates read them).
   *
   * @default - no body leaves the state; bodies over `maxResponseSize` fail with `ResponseTooLargeError`
   */
  readonly largeResponses?: LargeResponses;

  /**
   * A table of token buckets for the templates' `rateLimit`s (one UpdateItem per call of a
   * rate-limited template), and a retry of `RateLimitedError` with back-off and jitter on
   * `CallApi`. A template with a `rateLimit` needs it: `true` when templates are put outside
   * the stack (CLI) with rate limits.
   *
   * @default - true when a template given in `templates` has a `rateLimit`
   */
  readonly rateLimits?: boolean;

  /**
   * Per-template metrics (calls, latency, time to first byte, status classes, errors by name,
   * retries, rate-limit waits) written by the renderer as CloudWatch Embedded Metric Format,
   * with a dashboard and error-rate alarms per template.
   *
   * @default - no metrics
   */
  readonly metrics?: TemplateMetricsOptions;
}

const EXPRESS_LIMIT = Duration.minutes(5);
// `secrets.<name>` must be a plain attribute access in a template.
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Calls external HTTP APIs from request templates stored in DynamoDB: a template table, a
 * renderer Lambda and a Step Functions workflow `FetchTemplate → CallApi → CheckStatus`.
 *
 * Start an execution with `{ "templateName": "...", "method": "GET", "params": { ... } }`.
 * On success the output is the input plus `template` (the getItem result) and `response`
 * (`{ statusCode, headers, body }`); any other outcome fails with a named error.
 */
export class TemplatedApiCaller extends Construct {
  /** The template table. */
  public readonly table: dynamodb.ITable;
  /** The renderer Lambda function. */
  public readonly rendererFunction: lambda.Function;
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The log group of the state machine. */
  public readonly logGroup: logs.ILogGroup;
  /** Alarm on `ExecutionsFailed` (undefined when alarms are disabled). */
  public readonly executionsFailedAlarm?: cloudwatch.Alarm;
  /** Alarm on `ExecutionThrottled` (undefined when alarms are disabled). */
  public readonly executionsThrottledAlarm?: cloudwatch.Alarm;
  /** Alarm on `ExecutionsTimedOut` (undefined when alarms are disabled). */
  public readonly executionsTimedOutAlarm?: cloudwatch.Alarm;
  /** The rate limits' token buckets (undefined without rate limits). */
  public readonly rateLimitTable?: dynamodb.ITable;
  /** The per-template metrics, dashboard and alarms (undefined without `metrics`). */
  public readonly metrics?: TemplateMetrics;
  /** The retry policy of the calls (also used by `TemplatedApiBatch`). */
  public readonly retry: RetryPolicy;
  /** The statuses that end in success (also used by `TemplatedApiBatch`). */
  public readonly successStatus: StatusRange;
  /** The longest Retry-After the workflow waits for (also used by `TemplatedApiBatch`). */
  public readonly maxRetryAfter: Duration;

  /** The templates added so far, by `'name' METHOD`. */
  private readonly seededTemplates = new Map<string, ApiTemplate>();
  private readonly authProfileNames: readonly string[];
  private seededBytes = 0;
  private seedingResource?: CustomResource;

  constructor(scope: Construct, id: string, props: TemplatedApiCallerProps = {}) {
    super(scope, id);

    // Validation first: every check below throws a ValidationError naming the prop.
    const stateMachineType = props.stateMachineType ?? sfn.StateMachineType.STANDARD;
    const express = stateMachineType === sfn.StateMachineType.EXPRESS;
    const successStatus = props.successStatus ?? StatusRange.between(200, 299);
    checkInteger(this, 'successStatus.low', successStatus.low, 100, 599);
    checkInteger(this, 'successStatus.high', successStatus.high, 100, 599);
    if (successStatus.low > successStatus.high) {
      throw new ValidationError('successStatus', `the range ${successStatus.low}-${successStatus.high} is empty (low above high)`, this);
    }
    const retryableStatuses = props.retryableStatuses ?? [...RendererDefaults.RETRYABLE_STATUSES];
    checkRetryableStatuses(this, retryableStatuses, successStatus);
    const retry = props.retry ?? RetryPolicy.backoff();
    checkRetry(this, retry);
    if (props.waitBeforeCall) {
      checkWholeSeconds(this, 'waitBeforeCall', props.waitBeforeCall, Duration.seconds(1),
        express ? EXPRESS_LIMIT.minus(Duration.seconds(1)) : Duration.days(365));
    }
    const timeout = props.timeout ?? defaultTimeout(express, props.waitBeforeCall);
    checkWholeSeconds(this, 'timeout', timeout, Duration.seconds(1), express ? EXPRESS_LIMIT : Duration.days(365));
    if (props.waitBeforeCall && props.waitBeforeCall.toSeconds() >= timeout.toSeconds()) {
      throw new ValidationError('waitBeforeCall', `must be shorter than timeout (${timeout.toHumanString()}), got ${props.waitBeforeCall.toHumanString()}`, this);
    }
    if (props.logging?.destination && props.logging.retention !== undefined) {
      throw new ValidationError('logging.retention', 'applies to the log group the construct creates; it cannot be combined with `logging.destination`', this);
    }
    const secrets = Object.entries(props.secrets ?? {});
    for (const [name] of secrets) {
      if (!SECRET_NAME.test(name)) {
        throw new ValidationError(`secrets.${name}`, 'a secret name must be an identifier (letters, digits and _, not starting with a digit), as templates use it in `secrets.<name>`', this);
      }
    }
    const auth = authProfiles(this, props.auth ?? {}, {
      allowPrivateNetworks: props.allowPrivateNetworks ?? false,
      allowedHosts: props.allowedHosts,
    });
    const cachesSecrets = secrets.length > 0 || auth.secrets.length > 0;
    if (props.secretsCacheTtl !== undefined) {
      if (!cachesSecrets) {
        throw new ValidationError('secretsCacheTtl', 'applies to `secrets`, and none are given (nor `auth` profiles reading secrets)', this);
      }
      checkWholeSeconds(this, 'secretsCacheTtl', props.secretsCacheTtl, Duration.seconds(0), Duration.days(1));
    }

    this.table = templateTable(this, 'Table', props.table, props.tableProps);

    this.rendererFunction = rendererFunction(this, 'Renderer', {
      allowPrivateNetworks: props.allowPrivateNetworks ?? false,
      allowedHosts: props.allowedHosts,
      retryableStatuses,
      maxResponseSize: props.maxResponseSize ?? Size.bytes(RendererDefaults.MAX_RESPONSE_BYTES),
      defaultCallTimeout: props.defaultCallTimeout ?? Duration.millis(RendererDefaults.CALL_TIMEOUT_MS),
      redactHeaders: props.redactHeaders,
      secretParamNames: props.secretParamNames,
      secretArns: secrets.length === 0 ? undefined
        : Stack.of(this).toJsonString(Object.fromEntries(secrets.map(([name, secret]) => [name, secret.secretArn]))),
      secretsCacheTtl: !cachesSecrets ? undefined : props.secretsCacheTtl ?? Duration.seconds(RendererDefaults.SECRETS_CACHE_TTL_SECONDS),
      authProfiles: auth.settings === undefined ? undefined : Stack.of(this).toJsonString(auth.settings),
      idempotencyKeyHeader: props.idempotencyKeyHeader,
      renderLimits: props.renderLimits,
    }, props.rendererOptions);
    for (const secret of new Set([...secrets.map(([, named]) => named), ...auth.secrets])) {
      secret.grantRead(this.rendererFunction);
    }
    this.authProfileNames = auth.names;

    this.retry = retry;
    this.successStatus = successStatus;
    for (const name of [RendererEnvironment.RATE_LIMIT_TABLE, RendererEnvironment.METRICS_NAMESPACE]) {
      if (props.rendererOptions?.environment?.[name] !== undefined) {
        throw new ValidationError('rendererOptions.environment', `${name} is set by the construct from its props; set the prop instead`, this);
      }
    }
    if (props.rateLimits ?? (props.templates ?? []).some((template) => template.rateLimit !== undefined)) {
      this.rateLimitTable = rateLimitTable(this, 'RateLimitTable', this.rendererFunction);
    }
    if (props.metrics !== undefined) {
      this.metrics = new TemplateMetrics(this, 'Metrics', props.metrics);
      this.rendererFunction.addEnvironment(RendererEnvironment.METRICS_NAMESPACE, this.metrics.namespace);
    }

    const retryAfter = retryAfterEnvironment(this, this.rendererFunction, props.maxRetryAfter, retry, express);
    this.maxRetryAfter = props.maxRetryAfter ?? Duration.seconds(RendererDefaults.MAX_RETRY_AFTER_SECONDS);
    if (props.largeResponses) configureLargeResponses(this, this.rendererFunction, props.largeResponses, props.maxResponseSize !== undefined);

    const definition = apiCallWorkflow(new Construct(this, 'Workflow'), {
      retryAfter,
      largeResponses: props.largeResponses !== undefined,
      table: this.table,
      rendererFunction: this.rendererFunction,
      retry,
      successStatus,
      validateInput: props.validateInput ?? false,
      waitBeforeCall: props.waitBeforeCall,
      beforeCall: props.beforeCall,
      afterSuccess: props.afterSuccess,
      onFailure: props.onFailure,
      parallelBranches: props.parallelBranches ?? [],
      rateLimited: this.rateLimitTable !== undefined,
    });

    this.logGroup = props.logging?.destination ?? new logs.LogGroup(this, 'LogGroup', {
      retention: props.logging?.retention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType,
      timeout,
      tracingEnabled: props.tracing ?? true,
      logs: {
        destination: this.logGroup,
        level: props.logging?.level ?? sfn.LogLevel.ALL,
        includeExecutionData: props.logging?.includeExecutionData ?? false,
      },
    });
    // getItem on a table encrypted with a customer-managed key needs the key.
    this.table.encryptionKey?.grantDecrypt(this.stateMachine);

    warnIfCallOutlastsTimeout(this, retry, this.rendererFunction.timeout ?? Duration.seconds(3), timeout, props.waitBeforeCall);

    const alarms = workflowAlarms(this, this.stateMachine, props.alarms);
    this.executionsFailedAlarm = alarms?.executionsFailed;
    this.executionsThrottledAlarm = alarms?.executionsThrottled;
    this.executionsTimedOutAlarm = alarms?.executionsTimedOut;

    this.acknowledgeDesignFindings();

    (props.templates ?? []).forEach((template, i) => this.addTemplateAt(template, `templates[${i}]`));
  }

  /**
   * Adds a template to those written to the table at deploy time (see `templates`).
   */
  public addTemplate(template: ApiTemplate): void {
    this.addTemplateAt(template, `addTemplate(${template.source})`);
  }

  /**
   * Lets `grantee` start executions (and, on EXPRESS, synchronous executions).
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stateMachine.grantStartExecution(grantee);
    if (this.stateMachine.stateMachineType === sfn.StateMachineType.EXPRESS) {
      return grant.combine(this.stateMachine.grantStartSyncExecution(grantee));
    }
    return grant;
  }

  /**
   * Lets `grantee` read templates from the table.
   */
  public grantTemplateRead(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantReadData(grantee);
  }

  /**
   * Lets `grantee` write (put, update, delete) templates in the table.
   */
  public grantTemplateWrite(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantWriteData(grantee);
  }

  private addTemplateAt(template: ApiTemplate, prop: string): void {
    const key = `'${template.name}' ${template.method}`;
    const first = this.seededTemplates.get(key);
    if (first !== undefined) {
      throw new ValidationError(prop, `template ${key} (${template.source}) is already defined (${first.source}); name and method identify a template`, this);
    }
    checkTemplateAuth(this, prop, key, template.auth, this.authProfileNames);
    if (template.rateLimit !== undefined && this.rateLimitTable === undefined) {
      throw new ValidationError(`${prop}.rateLimit`, `template ${key} (${template.source}) has a rate limit, and rateLimits is false: set rateLimits: true (the table of its token bucket)`, this);
    }
    const functionTimeout = this.rendererFunction.timeout ?? Duration.seconds(3);
    if (template.timeout !== undefined && template.timeout.toMilliseconds() >= functionTimeout.toMilliseconds()) {
      throw new ValidationError(`${prop}.timeout`, `template ${key} (${template.source}): ${template.timeout.toHumanString()} must be shorter than the renderer function timeout (${functionTimeout.toHumanString()})`, this);
    }
    const bytes = Buffer.byteLength(JSON.stringify(templateItem(template)));
    if (this.seededBytes + bytes > MAX_SEEDED_BYTES) {
      throw new ValidationError(prop, `template ${key} (${template.source}) brings the templates to ${this.seededBytes + bytes} bytes, `
        + `more than the ${MAX_SEEDED_BYTES} the seeding custom resource can carry; write large templates to the table with the CLI (templated-api-caller put)`, this);
    }
    this.seededTemplates.set(key, template);
    this.seededBytes += bytes;
    this.metrics?.addTemplate(template.name, template.method);
    this.seedingResource ??= templateSeedingResource(this, 'Templates', this.table,
      () => [...this.seededTemplates.values()].map(templateItem));
  }

  // Findings of AwsSolutionsChecks (cdk-nag) that follow from the design, acknowledged where
  // they arise so that users see only findings about their own choices.
  private acknowledgeDesignFindings(): void {
    const fn = this.rendererFunction.node.defaultChild as lambda.CfnFunction;
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only for X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery (*LogDelivery, *ResourcePolicy, DescribeLogGroups): these actions support no resource-level permissions.',
    }, {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the renderer function and its versions/aliases (ARN:*), the one function the workflow calls.',
    });
  }
}

function defaultTimeout(express: boolean, waitBeforeCall?: Duration): Duration {
  if (express || !waitBeforeCall) return EXPRESS_LIMIT;
  return EXPRESS_LIMIT.plus(waitBeforeCall);
}

// Legal but odd: every CallApi attempt running to the function timeout, plus the retry delays,
// would not fit in the execution timeout, so late retries end in States.Timeout instead.
function warnIfCallOutlastsTimeout(scope: Construct, retry: RetryPolicy, functionTimeout: Duration, timeout: Duration, wait?: Duration): void {
  let worst = (retry.maxAttempts + 1) * functionTimeout.toSeconds() + (wait?.toSeconds() ?? 0);
  for (let i = 0; i < retry.maxAttempts; i++) {
    worst += Math.min(retry.interval.toSeconds() * retry.backoffRate ** i, retry.maxDelay.toSeconds());
  }
  if (worst > timeout.toSeconds()) {
    Annotations.of(scope).addWarningV2('templated-api-caller:retries-exceed-timeout',
      `CallApi may take up to ${Math.ceil(worst)} s (${retry.maxAttempts + 1} attempts of up to ${functionTimeout.toHumanString()} plus delays), `
      + `longer than timeout (${timeout.toHumanString()}): late retries would end in States.Timeout. Raise timeout or lower retry.maxAttempts or rendererOptions.timeout.`);
  }
}

function checkRetry(scope: Construct, retry: RetryPolicy): void {
  checkInteger(scope, 'retry.maxAttempts', retry.maxAttempts, 0, 99_999_999);
  if (retry.maxAttempts === 0) return;
  const interval = checkWholeSeconds(scope, 'retry.interval', retry.interval, Duration.seconds(1), Duration.seconds(99_999_999));
  checkNumber(scope, 'retry.backoffRate', retry.backoffRate, 1, 1_000);
  const maxDelay = checkWholeSeconds(scope, 'retry.maxDelay', retry.maxDelay, Duration.seconds(1), Duration.seconds(31_622_400));
  if (maxDelay < interval) {
    throw new ValidationError('retry.maxDelay', `must be at least retry.interval (${retry.interval.toHumanString()}), got ${retry.maxDelay.toHumanString()}`, scope);
  }
}
