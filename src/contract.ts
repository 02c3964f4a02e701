// Names shared by the construct (src/) and the renderer Lambda (lambda-src/). The Lambda
// imports this file too, so the two can never drift apart. Keep it free of imports, but for the
// template model (fields, limits, defaults and validation of a template), itself import-free:
// this file is how the renderer, the seeder and the CLI reach it.
export * from './template-model';

/**
 * Attribute names of a template item in the DynamoDB table.
 */
export class TemplateAttribute {
  /** Partition key: the template name. */
  public static readonly NAME = 'PK';
  /** Sort key: the HTTP method, upper case. */
  public static readonly METHOD = 'SK';
  /** The URL template. */
  public static readonly URL = 'url';
  /** Map of header name to header value template. */
  public static readonly HEADERS = 'headers';
  /** The request body template. */
  public static readonly PAYLOAD = 'payload';
  /** Per-template timeout of the HTTP call, in milliseconds. */
  public static readonly TIMEOUT_MS = 'timeoutMs';
  /** What the template is for (never sent). */
  public static readonly DESCRIPTION = 'description';
  /** The response mapping template. */
  public static readonly RESPONSE = 'response';
  /** Map of the `next` and `items` templates and `maxPages` (a number). */
  public static readonly PAGINATION = 'pagination';
  /** Rate limit shared by every caller: a map `{ perSecond, burst? }`. */
  public static readonly RATE_LIMIT = 'rateLimit';
  /** The authentication profile the call uses (a key of the construct's `auth` prop). */
  public static readonly AUTH = 'auth';

  private constructor() {}
}

/**
 * Error names raised by the renderer and the workflow, matched by Retry and Catch.
 */
export class ApiCallerErrors {
  /** A template failed to render: syntax error, undefined variable or sandbox violation. */
  public static readonly TEMPLATE_RENDER = 'TemplateRenderError';
  /** The template item is malformed: missing URL, unknown method, bad URL, too many headers. */
  public static readonly INVALID_TEMPLATE = 'InvalidTemplateError';
  /** The renderer function's environment is invalid (a variable the construct sets was changed by hand); never retried. */
  public static readonly RENDERER_CONFIGURATION = 'RendererConfigurationError';
  /** No template exists for the requested name and method. */
  public static readonly TEMPLATE_NOT_FOUND = 'TemplateNotFound';
  /** The API answered with a status worth retrying (429, 500, 502, 503, 504 by default). */
  public static readonly RETRYABLE_HTTP = 'RetryableHttpError';
  /** No complete response arrived within the template's timeout. */
  public static readonly API_TIMEOUT = 'ApiTimeoutError';
  /** The connection failed: refused, reset, DNS or TLS failure. */
  public static readonly API_CONNECTION = 'ApiConnectionError';
  /** The destination resolved to a private, loopback or otherwise non-public address. */
  public static readonly BLOCKED_DESTINATION = 'BlockedDestinationError';
  /** The response body exceeded the configured cap. */
  public static readonly RESPONSE_TOO_LARGE = 'ResponseTooLargeError';
  /** The response mapping (or a pagination template) failed to render, or did not render JSON (an array for `pagination.items`); never retried. */
  public static readonly RESPONSE_MAPPING = 'ResponseMappingError';
  /**
   * The API answered a retryable status with a Retry-After the workflow waits for: caught by the
   * workflow, which waits and calls again; never the error an execution ends with.
   */
  public static readonly RETRY_AFTER_WAIT = 'RetryAfterWait';
  /** The API answered with a status outside the success range. */
  public static readonly API_CALL_FAILED = 'ApiCallFailed';
  /** A secret a template uses could not be read from Secrets Manager (access denied, deleted, throttled after the SDK's retries). */
  public static readonly SECRET_UNAVAILABLE = 'SecretUnavailableError';
  /** The template's rate limit has no token for the call within the wait the renderer allows; retried with back-off. */
  public static readonly RATE_LIMITED = 'RateLimitedError';
  /**
   * The call could not be authenticated and a retry would not help: the token endpoint rejected
   * the client's credentials (400, 401, 403, ...) or answered without a usable token, or the
   * profile's settings are unusable (no credentials to sign with). Never retried.
   */
  public static readonly AUTHENTICATION = 'AuthenticationError';
  /** The token endpoint answered 429 or 5xx, timed out or could not be reached: retried like the API's own transient failures. */
  public static readonly AUTHENTICATION_UNAVAILABLE = 'AuthenticationUnavailableError';
  /** More items of a `TemplatedApiBatch` failed than its tolerated failure count or percentage allows. */
  public static readonly BATCH_FAILURE_THRESHOLD = 'BatchFailureThresholdExceeded';
  /** The execution input lacks a string `templateName` or `method` (raised by the workflow when input validation is on). */
  public static readonly INVALID_INPUT = 'InvalidInput';

  private constructor() {}
}

/**
 * Environment variables the construct sets on the renderer function.
 */
export class RendererEnvironment {
  /** `true` lets the renderer call private, loopback and link-local addresses. */
  public static readonly ALLOW_PRIVATE_NETWORKS = 'ALLOW_PRIVATE_NETWORKS';
  /** Comma-separated host allow-list; empty means any public host. */
  public static readonly ALLOWED_HOSTS = 'ALLOWED_HOSTS';
  /** Comma-separated HTTP statuses raised as RetryableHttpError. */
  public static readonly RETRYABLE_STATUSES = 'RETRYABLE_STATUSES';
  /** Maximum response body size in bytes (default `RendererDefaults.MAX_RESPONSE_BYTES`). */
  public static readonly MAX_RESPONSE_BYTES = 'MAX_RESPONSE_BYTES';
  /** Timeout in milliseconds of a call whose template has no `timeoutMs` (default `RendererDefaults.CALL_TIMEOUT_MS`). */
  public static readonly DEFAULT_TIMEOUT_MS = 'DEFAULT_TIMEOUT_MS';
  /** Comma-separated header names redacted in logs, on top of the built-in list (Authorization, Cookie, API keys, ...). */
  public static readonly REDACT_HEADERS = 'REDACT_HEADERS';
  /** Comma-separated top-level param names whose values are secrets: redacted wherever they would appear in logs. */
  public static readonly SECRET_PARAM_NAMES = 'SECRET_PARAM_NAMES';
  /** JSON object of secret name (as templates reference it under `secrets`) to Secrets Manager secret ARN. */
  public static readonly SECRET_ARNS = 'SECRET_ARNS';
  /** Seconds a fetched secret value is reused before it is fetched again (default `RendererDefaults.SECRETS_CACHE_TTL_SECONDS`). */
  public static readonly SECRETS_CACHE_TTL_SECONDS = 'SECRETS_CACHE_TTL_SECONDS';
  /** Name of the header carrying the execution's idempotency key on every call; unset means none. */
  public static readonly IDEMPOTENCY_KEY_HEADER = 'IDEMPOTENCY_KEY_HEADER';
  /** Name of the DynamoDB table holding the rate limits' token buckets; unset means templates may not set `rateLimit`. */
  public static readonly RATE_LIMIT_TABLE = 'RATE_LIMIT_TABLE';
  /** CloudWatch namespace of the Embedded Metric Format fields on the call log line; unset means no metrics. */
  public static readonly METRICS_NAMESPACE = 'METRICS_NAMESPACE';
  /** Bucket large response bodies go to (`largeResponses`); unset means no body leaves the state. */
  public static readonly LARGE_RESPONSE_BUCKET = 'LARGE_RESPONSE_BUCKET';
  /** Key prefix of offloaded bodies: `<prefix><execution name>/<attempt>`. */
  public static readonly LARGE_RESPONSE_KEY_PREFIX = 'LARGE_RESPONSE_KEY_PREFIX';
  /** Body size in bytes above which a text body goes to S3 (default `RendererDefaults.LARGE_RESPONSE_THRESHOLD_BYTES`). */
  public static readonly LARGE_RESPONSE_THRESHOLD_BYTES = 'LARGE_RESPONSE_THRESHOLD_BYTES';
  /** Largest offloaded body in bytes, enforced while streaming (default `RendererDefaults.MAX_OFFLOADED_RESPONSE_BYTES`). */
  public static readonly MAX_OFFLOADED_RESPONSE_BYTES = 'MAX_OFFLOADED_RESPONSE_BYTES';
  /** Retries the workflow's policy allows (`retry.maxAttempts`): Retry-After rounds count against it. Unset: no Retry-After waits. */
  public static readonly RETRY_MAX_ATTEMPTS = 'RETRY_MAX_ATTEMPTS';
  /** Longest Retry-After, in seconds, the workflow waits for (default `RendererDefaults.MAX_RETRY_AFTER_SECONDS`). */
  public static readonly MAX_RETRY_AFTER_SECONDS = 'MAX_RETRY_AFTER_SECONDS';
  /**
   * JSON object of render limits overriding the defaults (`maxSteps`, `maxCallDepth`, `maxNesting`,
   * `maxStringLength`, `maxListLength`, `maxTotalAllocation`, `timeoutMs`).
   */
  public static readonly RENDER_LIMITS = 'RENDER_LIMITS';
  /**
   * JSON object of authentication profile name to its settings (kind, token URL, client id, the
   * ARNs and JSON fields of its secrets): never a secret value.
   */
  public static readonly AUTH_PROFILES = 'AUTH_PROFILES';

  private constructor() {}
}

/**
 * Names templates see besides the execution's params.
 */
export class TemplateContext {
  /**
   * The configured secrets: `{{ secrets.apiKey }}`, or a field of a JSON secret
   * (`{{ secrets.apiKey.token }}`). A param of this name is refused (`InvalidTemplateError`).
   */
  public static readonly SECRETS = 'secrets';
  /**
   * The execution the call belongs to: `{{ execution.id }}` (the execution ARN),
   * `{{ execution.name }}`, `{{ execution.startTime }}` and `{{ execution.attempt }}` (1 on the
   * first call, 2 on the first retry, ...). The workflow passes it to the renderer under this
   * name too. A param of this name is refused (`InvalidTemplateError`).
   */
  public static readonly EXECUTION = 'execution';

  private constructor() {}
}

/**
 * Fields of the execution context the workflow passes to the renderer (`execution` in its event)
 * and templates see under `execution`.
 */
export class ExecutionContextField {
  /** The execution ARN (`$$.Execution.Id`). */
  public static readonly ID = 'id';
  /** The execution name (`$$.Execution.Name`). */
  public static readonly NAME = 'name';
  /** When the execution started, ISO 8601 (`$$.Execution.StartTime`). */
  public static readonly START_TIME = 'startTime';
  /** In the renderer's event: retries of the call so far (`$$.State.RetryCount`, 0 on the first attempt). */
  public static readonly RETRY_COUNT = 'retryCount';
  /** In templates: the attempt of the call, 1 on the first. */
  public static readonly ATTEMPT = 'attempt';

  private constructor() {}
}

/**
 * Where a Retry-After wait is recorded: the renderer's result carries
 * `retryAfter: { seconds, attempt }` under `response` when the workflow should wait, and the
 * workflow keeps it at `$.retryAfter` for the Wait state and the next attempt.
 */
export class RetryAfterField {
  /** The field of the response (and of the execution state) holding the wait. */
  public static readonly STATE_FIELD = 'retryAfter';
  /** Seconds to wait before the next attempt. */
  public static readonly SECONDS = 'seconds';
  /** The attempt that received the Retry-After (1 on the first call). */
  public static readonly ATTEMPT = 'attempt';

  private constructor() {}
}

/**
 * Properties of the custom resource that writes `ApiTemplate`s to the table at deploy time.
 */
export class TemplateSeedingProperty {
  /** The CloudFormation type of the seeding custom resource (not a property: where to find them). */
  public static readonly RESOURCE_TYPE = 'Custom::TemplatedApiCallerTemplates';
  /** Name of the template table. */
  public static readonly TABLE_NAME = 'TableName';
  /** The template items (plain attributes of `TemplateAttribute`). */
  public static readonly TEMPLATES = 'Templates';

  private constructor() {}
}

/**
 * Kinds of authentication profile (`ApiAuth`), as the renderer's `AUTH_PROFILES` names them.
 */
export enum ApiAuthKind {
  /** OAuth 2.0 client credentials grant: a cached bearer token from a token endpoint. */
  OAUTH2_CLIENT_CREDENTIALS = 'oauth2ClientCredentials',
  /** HTTP Basic authentication. */
  BASIC = 'basic',
  /** A static bearer token. */
  BEARER = 'bearer',
  /** An API key in a header or a query parameter. */
  API_KEY = 'apiKey',
  /** AWS Signature Version 4 with the renderer function's own credentials. */
  AWS_SIGV4 = 'awsSigV4',
}

/**
 * How an OAuth 2.0 client sends its credentials to the token endpoint (RFC 6749, section 2.3.1).
 */
export enum ClientCredentialsMethod {
  /** In an HTTP Basic `Authorization` header (what every server must support). */
  BASIC_HEADER = 'basicHeader',
  /** As `client_id` and `client_secret` in the form body. */
  REQUEST_BODY = 'requestBody',
}
