// Large responses: which bodies go to S3 instead of the execution's state (above the threshold,
// or not text), and where. The HTTP client streams them to a BodySink as they arrive; only
// configured functions (LARGE_RESPONSE_BUCKET set) load this, and only an offloaded body loads
// the S3 client.
import { RendererDefaults, RendererEnvironment } from '../../../src/contract';
import { RendererConfigurationError } from '../errors';
import type { ExecutionContext } from '../execution-context';

/** Where an offloaded body is: what the output carries instead of `body`. */
export interface BodyLocation {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
}

/** Receives a body chunk by chunk; `write` returns a promise when the caller must wait (back-pressure). */
export interface BodySink {
  write(chunk: Buffer): Promise<void> | undefined;
  end(): Promise<BodyLocation>;
  abort(): void;
}

/** How a response's body is kept: in memory, in S3 whatever its size, or in S3 past the threshold. */
export type BodyRoute = 'memory' | 'offload' | 'offload-above-threshold';

/** What the HTTP client needs to offload a body. */
export interface ResponseOffload {
  readonly thresholdBytes: number;
  readonly maxBytes: number;
  route(statusCode: number, headers: Record<string, string>): BodyRoute;
  open(headers: Record<string, string>): BodySink;
}

/** Content types kept as text (what decodeBody hands over as text or JSON); a missing one is text. */
const TEXT = /^\s*(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|x-yaml|graphql)\b)|^\s*$/i;

export function isTextContentType(contentType: string | undefined): boolean {
  return TEXT.test(contentType ?? '');
}

/** The settings the construct sets; undefined when large responses are not configured. */
export interface OffloadSettings {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly thresholdBytes: number;
  readonly maxBytes: number;
}

export function offloadSettings(env: NodeJS.ProcessEnv = process.env): OffloadSettings | undefined {
  const bucket = env[RendererEnvironment.LARGE_RESPONSE_BUCKET]?.trim();
  if (!bucket) return undefined;
  return {
    bucket,
    keyPrefix: env[RendererEnvironment.LARGE_RESPONSE_KEY_PREFIX] ?? '',
    thresholdBytes: bytes(env, RendererEnvironment.LARGE_RESPONSE_THRESHOLD_BYTES, RendererDefaults.LARGE_RESPONSE_THRESHOLD_BYTES),
    maxBytes: bytes(env, RendererEnvironment.MAX_OFFLOADED_RESPONSE_BYTES, RendererDefaults.MAX_OFFLOADED_RESPONSE_BYTES),
  };
}

/**
 * The offload of one call: bodies of non-retryable responses go to
 * `s3://<bucket>/<prefix><execution name>/<attempt>`.
 */
export function responseOffload(
  settings: OffloadSettings, execution: ExecutionContext | undefined, retryableStatuses: ReadonlySet<number>,
): ResponseOffload {
  // A direct invocation (no execution) still gets a key of its own.
  const key = `${settings.keyPrefix}${execution?.name ?? `direct-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`}/${execution?.attempt ?? 1}`;
  return {
    thresholdBytes: settings.thresholdBytes,
    maxBytes: settings.maxBytes,
    route: (statusCode, headers) => {
      // A retryable answer is not kept: the call is tried again.
      if (retryableStatuses.has(statusCode)) return 'memory';
      return isTextContentType(headers['content-type']) ? 'offload-above-threshold' : 'offload';
    },
    open: (headers) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { S3BodySink } = require('./s3-body-sink') as typeof import('./s3-body-sink');
      return new S3BodySink(settings.bucket, key, headers['content-type'] ?? 'application/octet-stream');
    },
  };
}

function bytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new RendererConfigurationError(`${name} must be a positive integer`);
  return number;
}
