// Retry-After (RFC 9110 §10.2.3) on a retryable response: how long the API asked the caller to
// wait, and whether the workflow waits for it (a Wait state, see src/private/api-call-workflow.ts)
// or the failure stands. Read only when a retryable status arrives.
import { RendererDefaults, RendererEnvironment, RetryAfterField } from '../../../src/contract';
import { RendererConfigurationError } from '../errors';
import type { ExecutionContext } from '../execution-context';
import { isPlainObject } from '../item';

/** What the workflow does after a retryable response. */
export type RetryAfterDecision =
  /** Wait `seconds` in the workflow's Wait state, then call again. */
  | { readonly kind: 'wait'; readonly seconds: number }
  /** No more attempts: the response is returned as it is and CheckStatus fails with ApiCallFailed. */
  | { readonly kind: 'stands' }
  /** No Retry-After to honour: RetryableHttpError, retried with the policy's backoff. */
  | { readonly kind: 'backoff' };

/** Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); undefined if it is neither. */
export function retryAfterSeconds(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 or asctime, always in GMT (asctime says
  // so without writing it; Date.parse would read it as local time).
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Attempts made before this invocation in earlier Retry-After rounds: the workflow re-enters
 * CallApi after its Wait state, which restarts `$$.State.RetryCount`, so it carries the count in
 * the state (`retryAfter.attempt`), which reaches the renderer in its event.
 */
export function earlierAttempts(event: Record<string, unknown>): number {
  const record = event[RetryAfterField.STATE_FIELD];
  if (!isPlainObject(record)) return 0;
  const attempt = record[RetryAfterField.ATTEMPT];
  return Number.isInteger(attempt) && (attempt as number) > 0 ? attempt as number : 0;
}

/**
 * The decision for a retryable response at `attempt` (1 on the first call, counting every earlier
 * round). The workflow sets `RETRY_MAX_ATTEMPTS` and `MAX_RETRY_AFTER_SECONDS`; without them (a
 * direct invocation) there is nothing to wait in and the error is raised as before.
 */
export function retryAfterDecision(
  headerValue: string | undefined, attempt: number, inRetryAfterRound: boolean, env: NodeJS.ProcessEnv = process.env,
): RetryAfterDecision {
  const maxRetries = setting(env, RendererEnvironment.RETRY_MAX_ATTEMPTS, undefined);
  if (maxRetries === undefined) return { kind: 'backoff' };
  // The policy's budget counts every attempt: after a Retry-After round, Step Functions' own
  // counter has restarted, so the renderer ends the call itself when the budget is spent.
  if (attempt > maxRetries) return inRetryAfterRound ? { kind: 'stands' } : { kind: 'backoff' };
  const seconds = retryAfterSeconds(headerValue);
  if (seconds === undefined || seconds === 0) return { kind: 'backoff' };
  const cap = setting(env, RendererEnvironment.MAX_RETRY_AFTER_SECONDS, RendererDefaults.MAX_RETRY_AFTER_SECONDS)!;
  // Coming back sooner than the API asked would only be refused again.
  if (seconds > cap) return { kind: 'stands' };
  return { kind: 'wait', seconds };
}

/** The execution context with the attempts of earlier Retry-After rounds counted in. */
export function withEarlierAttempts(execution: ExecutionContext | undefined, event: Record<string, unknown>): ExecutionContext | undefined {
  const earlier = earlierAttempts(event);
  return execution === undefined || earlier === 0 ? execution : { ...execution, attempt: execution.attempt + earlier };
}

function setting(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new RendererConfigurationError(`${name} must be a whole number, 0 or more`);
  }
  return number;
}
