// The execution a call belongs to, as the workflow passes it (`$$.Execution.Id/Name/StartTime`,
// `$$.State.RetryCount`): what templates see as `execution`, the attempt for the log line, and
// the idempotency key derived from the execution ARN.
import { InvalidTemplateError } from './errors';
import { isPlainObject } from './item';
import { ExecutionContextField as F, RendererEnvironment, TemplateContext } from '../../src/contract';

/** What templates see as `execution`. */
export interface ExecutionContext {
  readonly id: string;
  readonly name: string;
  readonly startTime: string;
  /** 1 on the first call, 2 on the first retry, ... */
  readonly attempt: number;
}

const NAME = TemplateContext.EXECUTION;
/** Header names as RFC 9110 defines tokens. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 4122 name-based UUIDs (version 5) need a namespace: this one is the project's own.
const KEY_NAMESPACE = Buffer.from('5b0d2f7a4c1e4e8f9a63d1c07e2b9f41', 'hex');

/**
 * The event's execution context; undefined when the event has none (a direct invocation, not
 * through the workflow). Malformed is refused: it comes from the workflow, never from users.
 */
export function executionContext(event: Record<string, unknown>): ExecutionContext | undefined {
  const execution = event[NAME];
  if (execution === undefined || execution === null) return undefined;
  if (!isPlainObject(execution)) {
    throw new InvalidTemplateError(`event.${NAME} must be an object`);
  }
  const text = (field: string): string => {
    const value = execution[field];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidTemplateError(`event.${NAME}.${field} must be a non-empty string`);
    }
    return value;
  };
  const retryCount = execution[F.RETRY_COUNT] ?? 0;
  if (!Number.isInteger(retryCount) || (retryCount as number) < 0) {
    throw new InvalidTemplateError(`event.${NAME}.${F.RETRY_COUNT} must be a whole number`);
  }
  return { id: text(F.ID), name: text(F.NAME), startTime: text(F.START_TIME), attempt: (retryCount as number) + 1 };
}

/** Params are untrusted data: they must not stand in for the execution context. */
export function refuseReservedParam(params: Record<string, unknown>): void {
  if (Object.prototype.hasOwnProperty.call(params, NAME)) {
    throw new InvalidTemplateError(`params.${NAME} is reserved for the execution context`);
  }
}

/**
 * The headers with the idempotency key added when `IDEMPOTENCY_KEY_HEADER` names a header the
 * template does not set itself. The key is a UUID derived from the execution ARN: the same on
 * every retry (and on a redrive, which keeps the ARN), different for every execution, and it
 * does not show the account, region or state machine to the API.
 */
export function withIdempotencyKey(
  headers: Record<string, string>, execution: ExecutionContext | undefined, env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const header = env[RendererEnvironment.IDEMPOTENCY_KEY_HEADER]?.trim();
  if (!header) return headers;
  if (!HEADER_NAME.test(header)) {
    throw new InvalidTemplateError(`${RendererEnvironment.IDEMPOTENCY_KEY_HEADER} is not a valid header name`);
  }
  if (Object.keys(headers).some((name) => name.toLowerCase() === header.toLowerCase())) return headers;
  if (execution === undefined) {
    throw new InvalidTemplateError(`${RendererEnvironment.IDEMPOTENCY_KEY_HEADER} is set but the event has no ${NAME} to derive the key from`);
  }
  return { ...headers, [header]: idempotencyKey(execution.id) };
}

/** RFC 4122 version 5 UUID of the execution ARN. */
export function idempotencyKey(executionId: string): string {
  // Loaded on first use: node:crypto costs cold start to every function, most never need a key.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha1').update(KEY_NAMESPACE).update(executionId, 'utf8').digest();
  hash[6] = (hash[6] % 0x10) + 0x50; // version 5 in the high nibble
  hash[8] = (hash[8] % 0x40) + 0x80; // RFC 4122 variant: 10 in the top bits
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
