// Secrets Manager values for templates (`{{ secrets.apiKey }}`, `{{ secrets.apiKey.token }}`).
// Only the secrets a template names are fetched (all of them when it reaches `secrets`
// dynamically), with the AWS SDK v3 the Lambda runtime provides, and cached for a TTL.
// Every value, and each string field of a JSON secret, is returned for redaction.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RendererConfig } from './config';
import { InvalidTemplateError, SecretUnavailableError, TemplateRenderError } from './errors';
import { TemplateContext } from '../../src/contract';

export interface TemplateSecrets {
  /** What templates see as `secrets`, or undefined when they use none. */
  readonly context?: Record<string, unknown>;
  /** The secret values (whole texts and string fields), for the call's Redactor. */
  readonly values: readonly string[];
}

export interface CachedSecret {
  readonly value: unknown;
  readonly redact: readonly string[];
  readonly expiresAt: number;
}

const NAME = TemplateContext.SECRETS;
// `secrets` itself, not `x.secrets` or `my_secrets`.
const WORD = `(?<![\\w.])${NAME}\\b`;
const MENTION = new RegExp(WORD);
const ANY_USE = new RegExp(WORD, 'g');
// Expressions and statements: literal text (`https://x/secrets.json`) uses no secret.
const TAG = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
// `secrets.name` and `secrets['name']`: the uses that name one secret (`secrets.items()` names none).
const NAMED_USE = new RegExp(`${WORD}\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)(?![\\w\\s]*\\()|\\[\\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\\2\\s*\\])`, 'g');

const cache = new Map<string, CachedSecret>();
const inFlight = new Map<string, Promise<CachedSecret>>();
let client: SecretsManagerClient | undefined;
// Loaded on first use: a function without secrets does not pay for the client at cold start.
let sdk: typeof import('@aws-sdk/client-secrets-manager') | undefined;

/**
 * The secrets the template sources use: none (no fetch), the named ones, or all configured
 * ones when a source reaches `secrets` other than by a literal name (loops, filters, `secrets[x]`).
 */
export function usedSecretNames(sources: readonly string[], configured: ReadonlyMap<string, string>): string[] {
  const named = new Set<string>();
  let dynamic = false;
  for (const source of sources) {
    if (!MENTION.test(source)) continue;
    for (const tag of source.matchAll(TAG)) {
      const code = tag[1] ?? tag[2];
      const uses = code.match(ANY_USE)?.length ?? 0;
      let namedUses = 0;
      for (const match of code.matchAll(NAMED_USE)) {
        named.add(match[1] ?? match[3]);
        namedUses++;
      }
      if (namedUses < uses) dynamic = true;
    }
  }
  if (dynamic) return [...new Set([...configured.keys(), ...named])];
  return [...named];
}

export async function templateSecrets(
  sources: readonly string[], params: Record<string, unknown>, config: RendererConfig, now = Date.now(),
): Promise<TemplateSecrets> {
  // Params are untrusted data: they must not stand in for secrets.
  if (Object.prototype.hasOwnProperty.call(params, NAME)) {
    throw new InvalidTemplateError(`params.${NAME} is reserved for the configured secrets`);
  }
  if (config.secretArns.size === 0 && !sources.some((source) => MENTION.test(source))) return { values: [] };
  const names = usedSecretNames(sources, config.secretArns);
  if (names.length === 0) return { values: [] };
  const unknown = names.filter((name) => !config.secretArns.has(name));
  if (unknown.length > 0) {
    const known = [...config.secretArns.keys()];
    throw new TemplateRenderError(`${NAME}.${unknown[0]} is not a configured secret (configured: ${known.length === 0 ? 'none' : known.join(', ')})`);
  }
  const context: Record<string, unknown> = {};
  const values: string[] = [];
  const secrets = await Promise.all(names.map((name) => cachedSecret(name, config, now)));
  names.forEach((name, i) => {
    context[name] = secrets[i].value;
    values.push(...secrets[i].redact);
  });
  return { context, values };
}

function cachedSecret(name: string, config: RendererConfig, now: number): Promise<CachedSecret> {
  return secretByArn(config.secretArns.get(name)!, `${NAME}.${name}`, config, now);
}

/**
 * A secret's parsed value and its redactable forms, by ARN: cached for the TTL, one fetch shared
 * by concurrent calls. `label` names it in errors (`secrets.apiKey`, `auth.billing.clientSecret`).
 */
export function secretByArn(arn: string, label: string, config: RendererConfig, now = Date.now()): Promise<CachedSecret> {
  const cached = cache.get(arn);
  if (cached !== undefined && cached.expiresAt > now) return Promise.resolve(cached);
  let pending = inFlight.get(arn);
  if (pending === undefined) {
    pending = fetchSecret(label, arn, now + config.secretsCacheTtlMs)
      .then((secret) => {
        if (config.secretsCacheTtlMs > 0) cache.set(arn, secret);
        return secret;
      })
      .finally(() => inFlight.delete(arn));
    inFlight.set(arn, pending);
  }
  return pending;
}

async function fetchSecret(label: string, arn: string, expiresAt: number): Promise<CachedSecret> {
  let text: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk ??= require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
    client ??= new sdk.SecretsManagerClient({});
    const output = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
    text = output.SecretString ?? Buffer.from(output.SecretBinary ?? new Uint8Array()).toString('utf8');
  } catch (error) {
    // The SDK's message could quote anything; its error name and status say what went wrong.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new SecretUnavailableError(`${label}: GetSecretValue failed with ${(error as Error).name}${status === undefined ? '' : ` (HTTP ${status})`}`);
  }
  const value = parseSecret(text);
  return { value, redact: redactable(text, value), expiresAt };
}

/** A JSON object exposes its fields; anything else is the string itself. */
function parseSecret(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

/** The secret text and its string and number fields: what the call's Redactor removes. */
function redactable(text: string, value: unknown): string[] {
  const leaves: string[] = [text];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') leaves.push(node);
    else if (typeof node === 'number') leaves.push(String(node));
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
  };
  if (value !== text) walk(value);
  return [...new Set(leaves)];
}

/** Forgets cached values and the client (tests; a new endpoint or credentials). */
export function resetSecretsCache(): void {
  cache.clear();
  inFlight.clear();
  client?.destroy();
  client = undefined;
}
