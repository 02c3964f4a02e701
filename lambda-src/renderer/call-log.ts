// One structured JSON line per call on stdout. Params and bodies are never logged: templated
// request header values are replaced by a marker, sensitive headers and configured secret
// values are redacted.
import type { RendererConfig } from './config';

export interface CallLogEntry {
  readonly template: string;
  readonly method: string;
  readonly host: string;
  readonly status?: number;
  readonly durationMs: number;
  readonly attempt: number;
  readonly error?: string;
  readonly requestHeaders?: Record<string, string>;
  readonly responseHeaders?: Record<string, string>;
}

export const REDACTED = '[REDACTED]';
/** Stands for a header value rendered from params. */
export const TEMPLATED = '[TEMPLATED]';

/** Authorization, cookies and anything named like a key, token or secret. */
const SENSITIVE_HEADER = /authorization|cookie|api[-_]?key|token|secret|passw(or)?d|session|signature|credential|private/i;
const TEMPLATE_SYNTAX = /\{[{%#]/;

export function isSensitiveHeader(name: string, config: RendererConfig): boolean {
  return SENSITIVE_HEADER.test(name) || config.redactHeaders.has(name.toLowerCase());
}

/** The values of SECRET_PARAM_NAMES params, to be removed from anything logged. */
export function secretValues(params: Record<string, unknown>, config: RendererConfig): string[] {
  const secrets: string[] = [];
  for (const name of config.secretParamNames) {
    const value = params[name];
    if (value !== undefined && value !== null) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (text.length >= 4) secrets.push(text); // shorter values would redact ordinary text
    }
  }
  return secrets;
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Request headers as logged: literal values shown, templated ones marked, sensitive ones redacted. */
export function loggedRequestHeaders(
  templates: ReadonlyArray<readonly [string, string]>,
  config: RendererConfig,
  secrets: readonly string[],
): Record<string, string> {
  const logged: Record<string, string> = {};
  for (const [name, source] of templates) {
    logged[name] = isSensitiveHeader(name, config) ? REDACTED
      : TEMPLATE_SYNTAX.test(source) ? TEMPLATED : redactSecrets(source, secrets);
  }
  return logged;
}

export function loggedResponseHeaders(headers: Record<string, string>, config: RendererConfig, secrets: readonly string[]): Record<string, string> {
  const logged: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    logged[name] = isSensitiveHeader(name, config) ? REDACTED : redactSecrets(headers[name], secrets);
  }
  return logged;
}

export function writeCallLog(entry: CallLogEntry): void {
  process.stdout.write(`${JSON.stringify({ level: entry.error === undefined ? 'INFO' : 'ERROR', message: 'api call', ...entry })}\n`);
}
