// One structured JSON line per call on stdout. Params and bodies are never logged: templated
// request header values are replaced by a marker and sensitive headers by REDACTED; the whole
// line then passes through the call's Redactor (redaction.ts), whatever field a secret is in.
import type { RendererConfig } from './config';
import { metricFields } from './metrics';
import { REDACTED, type Redactor } from './redaction';

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
  /** Milliseconds the call waited for its slot under the template's rate limit (templates with one). */
  readonly rateLimitWaitMs?: number;
}

/** The call's metrics (metrics.ts), written as Embedded Metric Format fields of the same line. */
export interface CallLogMetrics {
  readonly namespace: string;
  readonly timeToFirstByteMs?: number;
}

/** Stands for a header value rendered from params. */
export const TEMPLATED = '[TEMPLATED]';

/** Authorization, cookies and anything named like a key, token or secret. */
const SENSITIVE_HEADER = /authorization|cookie|api[-_]?key|token|secret|passw(or)?d|session|signature|credential|private/i;
const TEMPLATE_SYNTAX = /\{[{%#]/;

export function isSensitiveHeader(name: string, config: RendererConfig): boolean {
  return SENSITIVE_HEADER.test(name) || config.redactHeaders.has(name.toLowerCase());
}

// Every call logs the same few header names: the answer is kept per name (and per config, which
// tests replace), so the log line costs no regular expression run per header.
const MAX_REMEMBERED_NAMES = 1000;
let rememberedFor: RendererConfig | undefined;
const remembered = new Map<string, boolean>();

function sensitive(name: string, config: RendererConfig): boolean {
  if (rememberedFor !== config) {
    rememberedFor = config;
    remembered.clear();
  }
  let answer = remembered.get(name);
  if (answer === undefined) {
    answer = isSensitiveHeader(name, config);
    if (remembered.size >= MAX_REMEMBERED_NAMES) remembered.clear();
    remembered.set(name, answer);
  }
  return answer;
}

/** Request headers as logged: literal values shown, templated ones marked, sensitive ones redacted. */
export function loggedRequestHeaders(templates: ReadonlyArray<readonly [string, string]>, config: RendererConfig): Record<string, string> {
  const logged: Record<string, string> = {};
  for (const [name, source] of templates) {
    logged[name] = sensitive(name, config) ? REDACTED : TEMPLATE_SYNTAX.test(source) ? TEMPLATED : source;
  }
  return logged;
}

export function loggedResponseHeaders(headers: Record<string, string>, config: RendererConfig): Record<string, string> {
  const logged: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    logged[name] = sensitive(name, config) ? REDACTED : headers[name];
  }
  return logged;
}

export function writeCallLog(entry: CallLogEntry, redactor: Redactor, metrics?: CallLogMetrics): void {
  const emf = metrics === undefined ? undefined
    : metricFields({ ...entry, timeToFirstByteMs: metrics.timeToFirstByteMs }, metrics.namespace, Date.now());
  const line = JSON.stringify({ level: entry.error === undefined ? 'INFO' : 'ERROR', message: 'api call', ...entry, ...emf });
  process.stdout.write(`${redactor.text(line)}\n`);
}
