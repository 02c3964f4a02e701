// Renderer settings from the function environment (names in src/contract.ts). A bad value is a
// RendererConfigurationError: the deployment is wrong, not the template, and a retry cannot help.
// Read once per cold start; tests call resetRendererConfig() after changing process.env.
import { RendererConfigurationError } from './errors';
import { DEFAULT_RENDER_LIMITS, type RenderLimits } from './render-budget';
import { RendererDefaults, RendererEnvironment } from '../../src/contract';

export interface RendererConfig {
  readonly allowPrivateNetworks: boolean;
  /** Lower-case host names; `*.example.com` allows subdomains. Empty: any public host. */
  readonly allowedHosts: readonly string[];
  readonly retryableStatuses: ReadonlySet<number>;
  readonly maxResponseBytes: number;
  readonly defaultTimeoutMs: number;
  readonly redactHeaders: ReadonlySet<string>;
  readonly secretParamNames: readonly string[];
  /** Secret name (as templates use it under `secrets`) to ARN. */
  readonly secretArns: ReadonlyMap<string, string>;
  readonly secretsCacheTtlMs: number;
  readonly renderLimits: RenderLimits;
  /** The rate limit buckets' table; templates with a rateLimit need it. */
  readonly rateLimitTable?: string;
  /** Namespace of the metrics on the call log line; none when unset. */
  readonly metricsNamespace?: string;
}

let cached: RendererConfig | undefined;

export function rendererConfig(): RendererConfig {
  return cached ??= readConfig(process.env);
}

export function resetRendererConfig(): void {
  cached = undefined;
}

/** The environment's settings; a variable left out takes the construct's default (RendererDefaults). */
export function readConfig(env: NodeJS.ProcessEnv): RendererConfig {
  return {
    allowPrivateNetworks: env[RendererEnvironment.ALLOW_PRIVATE_NETWORKS]?.trim().toLowerCase() === 'true',
    allowedHosts: list(env[RendererEnvironment.ALLOWED_HOSTS]).map((host) => host.toLowerCase()),
    retryableStatuses: new Set(statuses(env[RendererEnvironment.RETRYABLE_STATUSES])),
    maxResponseBytes: positiveInteger(env, RendererEnvironment.MAX_RESPONSE_BYTES, RendererDefaults.MAX_RESPONSE_BYTES),
    defaultTimeoutMs: positiveInteger(env, RendererEnvironment.DEFAULT_TIMEOUT_MS, RendererDefaults.CALL_TIMEOUT_MS),
    redactHeaders: new Set(list(env[RendererEnvironment.REDACT_HEADERS]).map((name) => name.toLowerCase())),
    secretParamNames: list(env[RendererEnvironment.SECRET_PARAM_NAMES]),
    secretArns: secretArns(env[RendererEnvironment.SECRET_ARNS]),
    secretsCacheTtlMs: 1000 * nonNegativeInteger(env, RendererEnvironment.SECRETS_CACHE_TTL_SECONDS, RendererDefaults.SECRETS_CACHE_TTL_SECONDS),
    renderLimits: renderLimits(env[RendererEnvironment.RENDER_LIMITS]),
    rateLimitTable: env[RendererEnvironment.RATE_LIMIT_TABLE]?.trim() || undefined,
    metricsNamespace: env[RendererEnvironment.METRICS_NAMESPACE]?.trim() || undefined,
  };
}

function secretArns(value: string | undefined): Map<string, string> {
  if (value === undefined || value.trim() === '') {
    return new Map();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((arn) => typeof arn === 'string')) {
    throw new RendererConfigurationError(`${RendererEnvironment.SECRET_ARNS} must be a JSON object of secret name to ARN`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}

/** The defaults, with what RENDER_LIMITS (a JSON object of positive integers) overrides. */
function renderLimits(value: string | undefined): RenderLimits {
  if (value === undefined || value.trim() === '') {
    return DEFAULT_RENDER_LIMITS;
  }
  const name = RendererEnvironment.RENDER_LIMITS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RendererConfigurationError(`${name} must be a JSON object of render limits`);
  }
  const limits: Record<string, number> = { ...DEFAULT_RENDER_LIMITS };
  for (const [key, limit] of Object.entries(parsed)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_RENDER_LIMITS, key)) {
      throw new RendererConfigurationError(`${name}: unknown limit ${JSON.stringify(key)} (known: ${Object.keys(DEFAULT_RENDER_LIMITS).join(', ')})`);
    }
    if (!Number.isSafeInteger(limit) || (limit as number) <= 0) {
      throw new RendererConfigurationError(`${name}: ${key} must be a positive integer`);
    }
    limits[key] = limit as number;
  }
  return limits as unknown as RenderLimits;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    return fallback;
  }
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new RendererConfigurationError(`${name} must be a whole number, 0 or more`);
  }
  return number;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}

function statuses(value: string | undefined): readonly number[] {
  if (value === undefined || value.trim() === '') {
    return RendererDefaults.RETRYABLE_STATUSES;
  }
  return list(value).map((part) => {
    const status = Number(part);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RendererConfigurationError(`${RendererEnvironment.RETRYABLE_STATUSES} must list HTTP statuses (100-599)`);
    }
    return status;
  });
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    return fallback;
  }
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new RendererConfigurationError(`${name} must be a positive integer`);
  }
  return number;
}
