// Named errors of the renderer contract: Step Functions matches Retry and Catch on `error.name`.
// Messages name the attribute, template part or variable involved, never a param or secret value.
import { ApiCallerErrors } from '../../src/contract';

abstract class RendererError extends Error {
  protected constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A template failed to render: syntax error, undefined variable or sandbox violation. */
export class TemplateRenderError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.TEMPLATE_RENDER, message);
  }
}

/** The event or template item is malformed, or the rendered request is not a valid request. */
export class InvalidTemplateError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.INVALID_TEMPLATE, message);
  }
}

/**
 * The function's environment is invalid (a variable the construct sets was edited by hand, or a
 * direct deployment got one wrong). Not the template's fault, and never fixed by a retry.
 */
export class RendererConfigurationError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.RENDERER_CONFIGURATION, message);
  }
}

/** The GetItem result holds no item. */
export class TemplateNotFoundError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.TEMPLATE_NOT_FOUND, message);
  }
}

/** The API answered with a status configured as retryable. */
export class RetryableHttpError extends RendererError {
  constructor(readonly statusCode: number, readonly retryAfter: string | undefined) {
    super(ApiCallerErrors.RETRYABLE_HTTP, `API answered ${statusCode}${retryAfter === undefined ? '' : ` (Retry-After: ${retryAfter})`}`);
  }
}

/** No complete response arrived in time. */
export class ApiTimeoutError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.API_TIMEOUT, message);
  }
}

/** The connection failed: refused, reset, DNS or TLS failure. */
export class ApiConnectionError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.API_CONNECTION, message);
  }
}

/** The destination is not allowed: non-public address or host outside the allow-list. */
export class BlockedDestinationError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.BLOCKED_DESTINATION, message);
  }
}

/** The response body exceeded the configured cap. */
export class ResponseTooLargeError extends RendererError {
  constructor(readonly limitBytes: number) {
    super(ApiCallerErrors.RESPONSE_TOO_LARGE, `response body exceeds ${limitBytes} bytes`);
  }
}

/** A secret a template uses could not be read from Secrets Manager. */
export class SecretUnavailableError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.SECRET_UNAVAILABLE, message);
  }
}

/** The template's rate limit has no call slot within the wait the renderer allows. */
export class RateLimitedError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.RATE_LIMITED, message);
  }
}

/** The response mapping or a pagination template failed, or did not render the JSON it must. */
export class ResponseMappingError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.RESPONSE_MAPPING, message);
  }
}

/** The call could not be authenticated, and a retry would not help (credentials rejected, no usable token). */
export class AuthenticationError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.AUTHENTICATION, message);
  }
}

/** The token endpoint answered 429 or 5xx, timed out or could not be reached (retried). */
export class AuthenticationUnavailableError extends RendererError {
  constructor(message: string) {
    super(ApiCallerErrors.AUTHENTICATION_UNAVAILABLE, message);
  }
}

/**
 * The API asked to come back later (Retry-After) and the workflow will wait: caught by the
 * workflow (never the end of an execution). The message is read by the workflow's
 * `RecordRetryAfter` state: its third word is the seconds, its sixth the attempt.
 */
export class RetryAfterWait extends RendererError {
  constructor(readonly seconds: number, readonly attempt: number) {
    super(ApiCallerErrors.RETRY_AFTER_WAIT, `retry after ${seconds} s, attempt ${attempt}`);
  }
}

/** True for the errors this module raises on purpose (as opposed to bugs). */
export function isRendererError(error: unknown): boolean {
  return error instanceof RendererError;
}
