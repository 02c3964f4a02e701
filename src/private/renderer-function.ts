import * as path from 'path';
import { Duration, Size, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkInteger, checkWholeSeconds } from './checks';
import { ValidationError } from './validation-error';
import { RendererEnvironment, TemplateLimits } from '../contract';
import { RenderLimits } from '../render-limits';
import { RendererFunctionOptions } from '../renderer-function';
import { StatusRange } from '../status-range';

/** What the construct derives from its own props for the function. */
export interface RendererSettings {
  readonly allowPrivateNetworks: boolean;
  readonly allowedHosts?: string[];
  readonly retryableStatuses: number[];
  readonly maxResponseSize: Size;
  readonly defaultCallTimeout: Duration;
  readonly redactHeaders?: string[];
  readonly secretParamNames?: string[];
  /** JSON (a token) of secret name to ARN. */
  readonly secretArns?: string;
  readonly secretsCacheTtl?: Duration;
  /** JSON (a token) of authentication profile name to settings (ARNs, no secret values). */
  readonly authProfiles?: string;
  readonly idempotencyKeyHeader?: string;
  readonly renderLimits?: RenderLimits;
}

/** Default memory of the renderer function. */
const DEFAULT_MEMORY_MB = 256;
/** Default timeout of the renderer function; the renderer cuts longer template timeouts short. */
const DEFAULT_TIMEOUT = Duration.seconds(30);
/** Step Functions caps a state's data at 256 KiB; the response has to fit in it. */
const MAX_STATE_PAYLOAD = Size.kibibytes(256);

/**
 * The renderer Lambda: the prebuilt bundle in `assets/renderer`, with its own role, X-Ray and JSON
 * logs. It reads no table: the workflow passes it the template item.
 */
export function rendererFunction(scope: Construct, id: string, settings: RendererSettings, options: RendererFunctionOptions = {}): lambda.Function {
  const { runtime, logGroupRetention, environment, logGroup, role, ...passThrough } = options;
  checkRuntime(scope, runtime);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  checkWholeSeconds(scope, 'rendererOptions.timeout', timeout, Duration.seconds(1), Duration.minutes(15));
  const callTimeoutMs = settings.defaultCallTimeout.toMilliseconds();
  checkInteger(scope, 'defaultCallTimeout', callTimeoutMs, 1, timeout.toMilliseconds() - 1);
  if (options.logRetention !== undefined) {
    throw new ValidationError('rendererOptions.logRetention', 'use `logGroupRetention` (or `logGroup`) instead', scope);
  }
  if (logGroup && logGroupRetention !== undefined) {
    throw new ValidationError('rendererOptions.logGroupRetention', 'applies to the log group the construct creates; it cannot be combined with `logGroup`', scope);
  }

  const ours = rendererEnvironment(scope, settings);
  for (const name of Object.keys(environment ?? {})) {
    if (name in ours) {
      throw new ValidationError('rendererOptions.environment', `${name} is set by the construct from its props; set the prop instead`, scope);
    }
  }

  const functionLogGroup = logGroup ?? new logs.LogGroup(scope, `${id}LogGroup`, {
    retention: logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
  });
  // Our own role instead of the AWSLambdaBasicExecutionRole managed policy: writes to its log group only.
  const functionRole = role ?? new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Renderer of templated-api-caller: writes its logs, reads only the secrets it is given',
  });
  if (!role) {
    functionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [functionLogGroup.logGroupRef.logGroupArn],
    }));
    Validations.of(functionRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only for X-Ray (PutTraceSegments, PutTelemetryRecords), which supports no resource-level permissions; logs go to the one log group by ARN.',
    });
  }

  const fn = new lambda.Function(scope, id, {
    memorySize: DEFAULT_MEMORY_MB,
    architecture: lambda.Architecture.ARM_64,
    tracing: lambda.Tracing.ACTIVE,
    loggingFormat: lambda.LoggingFormat.JSON,
    description: 'Renders a request template and calls the API (templated-api-caller)',
    ...passThrough,
    runtime: runtime ?? lambda.Runtime.NODEJS_22_X,
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'renderer')),
    handler: 'index.handler',
    timeout,
    role: functionRole,
    logGroup: functionLogGroup,
    environment: { ...environment, ...ours },
  });
  if (fn.runtime.name === lambda.Runtime.NODEJS_22_X.name) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'The renderer bundle is built and tested for Node.js 22 (esbuild --target=node22), a supported Lambda runtime; rendererOptions.runtime selects a later one.',
    });
  }
  return fn;
}

function checkRuntime(scope: Construct, runtime?: lambda.Runtime): void {
  if (!runtime) return;
  const version = /^nodejs(\d+)\.x$/.exec(runtime.name);
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || !version || Number(version[1]) < 22) {
    throw new ValidationError('rendererOptions.runtime', `must be Node.js 22 or later, got ${runtime.name}`, scope);
  }
}

function rendererEnvironment(scope: Construct, settings: RendererSettings): Record<string, string> {
  const env: Record<string, string> = {
    [RendererEnvironment.ALLOW_PRIVATE_NETWORKS]: String(settings.allowPrivateNetworks),
    [RendererEnvironment.RETRYABLE_STATUSES]: settings.retryableStatuses.join(','),
    [RendererEnvironment.MAX_RESPONSE_BYTES]: String(responseBytes(scope, settings.maxResponseSize)),
    [RendererEnvironment.DEFAULT_TIMEOUT_MS]: String(settings.defaultCallTimeout.toMilliseconds()),
  };
  if (settings.allowedHosts !== undefined) {
    settings.allowedHosts.forEach((host, i) => checkHost(scope, `allowedHosts[${i}]`, host));
    env[RendererEnvironment.ALLOWED_HOSTS] = settings.allowedHosts.join(',');
  }
  if (settings.redactHeaders !== undefined) {
    settings.redactHeaders.forEach((name, i) => checkName(scope, `redactHeaders[${i}]`, name, HEADER_NAME, 'a header name'));
    env[RendererEnvironment.REDACT_HEADERS] = settings.redactHeaders.join(',');
  }
  if (settings.secretParamNames !== undefined) {
    settings.secretParamNames.forEach((name, i) => checkName(scope, `secretParamNames[${i}]`, name, PARAM_NAME, 'a top-level param name'));
    env[RendererEnvironment.SECRET_PARAM_NAMES] = settings.secretParamNames.join(',');
  }
  if (settings.idempotencyKeyHeader !== undefined) {
    checkName(scope, 'idempotencyKeyHeader', settings.idempotencyKeyHeader, HEADER_NAME, 'a header name');
    env[RendererEnvironment.IDEMPOTENCY_KEY_HEADER] = settings.idempotencyKeyHeader;
  }
  if (settings.renderLimits !== undefined) {
    env[RendererEnvironment.RENDER_LIMITS] = renderLimitsJson(scope, settings.renderLimits);
  }
  if (settings.secretArns !== undefined) {
    env[RendererEnvironment.SECRET_ARNS] = settings.secretArns;
  }
  if (settings.authProfiles !== undefined) {
    env[RendererEnvironment.AUTH_PROFILES] = settings.authProfiles;
  }
  if (settings.secretsCacheTtl !== undefined) {
    env[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS] = String(settings.secretsCacheTtl.toSeconds());
  }
  return env;
}

/** The limits set, as the renderer reads them; it applies its defaults to the others. */
function renderLimitsJson(scope: Construct, limits: RenderLimits): string {
  const { timeout, ...counts } = limits;
  const json: Record<string, number> = {};
  for (const [name, value] of Object.entries(counts)) {
    if (value === undefined) continue;
    if (Token.isUnresolved(value)) {
      throw new ValidationError(`renderLimits.${name}`, 'must be known at synth time (the renderer reads it from its environment)', scope);
    }
    checkInteger(scope, `renderLimits.${name}`, value, 1, Number.MAX_SAFE_INTEGER);
    json[name] = value;
  }
  if (timeout !== undefined) {
    const ms = timeout.toMilliseconds();
    checkInteger(scope, 'renderLimits.timeout', ms, 1, Number.MAX_SAFE_INTEGER);
    json.timeoutMs = ms;
  }
  return JSON.stringify(json);
}

function responseBytes(scope: Construct, size: Size): number {
  const bytes = size.toBytes();
  checkInteger(scope, 'maxResponseSize', bytes, 1, MAX_STATE_PAYLOAD.toBytes());
  return bytes;
}

// A host name (optionally `*.` for its subdomains) or an IP literal: no scheme, port, path or list.
const HOST = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;

function checkHost(scope: Construct, prop: string, host: string): void {
  if (!HOST.test(host)) {
    throw new ValidationError(prop, `must be a host name such as api.example.com (no scheme, port, path or comma), got '${host}'`, scope);
  }
}

// RFC 9110 token, as templates' header names (the template model's pattern).
const HEADER_NAME = new RegExp(TemplateLimits.HEADER_NAME_PATTERN);
// Anything but a comma (the list separator) or surrounding blanks.
const PARAM_NAME = /^[^,\s]([^,]*[^,\s])?$/;

function checkName(scope: Construct, prop: string, name: string, pattern: RegExp, what: string): void {
  if (!pattern.test(name)) {
    throw new ValidationError(prop, `must be ${what} without commas, got '${name}'`, scope);
  }
}

/** Throws unless `statuses` are HTTP statuses outside the success range. */
export function checkRetryableStatuses(scope: Construct, statuses: number[], success: StatusRange): void {
  // The renderer reads an empty list as its default list, so "none" cannot be expressed.
  if (statuses.length === 0) {
    throw new ValidationError('retryableStatuses', 'must list at least one status (retry: RetryPolicy.none() turns retries off)', scope);
  }
  statuses.forEach((status, i) => {
    checkInteger(scope, `retryableStatuses[${i}]`, status, 100, 599);
    if (success.includes(status)) {
      throw new ValidationError(`retryableStatuses[${i}]`, `${status} is inside successStatus (${success}); a success cannot be retried`, scope);
    }
  });
}
