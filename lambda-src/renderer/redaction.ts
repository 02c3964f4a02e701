// The one home of redaction. Every way out of the renderer (the log line, the error's message,
// stack and cause, the returned response) passes through the Redactor of its call, built from
// the secret values the call saw: Secrets Manager values and their string fields, and params
// named in SECRET_PARAM_NAMES. A secret is removed in the forms templates are told to use and
// that logs produce: as is, URL-encoded (JavaScript's and Python's quote), JSON-escaped (as
// json.dumps with ensure_ascii, HTML-safe, and inside a JSON log line) and base64 (standard and
// URL-safe, at every alignment, so it is found inside a longer base64 text such as Basic auth).
import type { RendererConfig } from './config';
import { pyJsonString, pyQuote } from './python-values';

export const REDACTED = '[REDACTED]';
/** Shorter values would redact ordinary text. */
const MIN_REDACTED_CHARS = 4;
/** A base64 fragment this short would match unrelated text. */
const MIN_BASE64_CHARS = 6;

export class Redactor {
  static readonly NONE = new Redactor([]);

  private readonly secrets: readonly string[];
  /** Every form of every secret, longest first (a secret containing another is removed whole). */
  private readonly forms: readonly string[];

  constructor(secrets: Iterable<string>) {
    this.secrets = [...secrets];
    const forms = new Set<string>();
    for (const secret of this.secrets) {
      if (secret.length < MIN_REDACTED_CHARS) continue;
      for (const form of encodedForms(secret)) {
        forms.add(form);
        forms.add(JSON.stringify(form).slice(1, -1)); // as it appears inside a JSON log line
      }
    }
    this.forms = [...forms].filter((form) => form.length >= MIN_REDACTED_CHARS).sort((a, b) => b.length - a.length);
  }

  /** This redactor and more secrets. */
  with(secrets: Iterable<string>): Redactor {
    const more = [...secrets];
    return more.length === 0 ? this : new Redactor([...this.secrets, ...more]);
  }

  text(text: string): string {
    let out = text;
    for (const form of this.forms) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
    return out;
  }

  /** Every string of a JSON-like value (keys included), as a new value. */
  value(value: unknown): unknown {
    if (this.forms.length === 0) return value;
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((entry) => this.value(entry));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [this.text(key), this.value(entry)]));
    }
    return value;
  }

  /** The error with its message, stack and causes redacted (they become the execution's Cause). */
  error<T>(error: T): T {
    if (this.forms.length === 0) return error;
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
      current.message = this.text(current.message);
      if (current.stack !== undefined) current.stack = this.text(current.stack);
    }
    return error;
  }
}

function encodedForms(secret: string): string[] {
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  const asciiEscaped = pyJsonString(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    pyQuote(secret, false),
    pyQuote(secret, true),
    jsonEscaped,
    asciiEscaped,
    // Jinja2's tojson also escapes <, >, & and ' for HTML.
    asciiEscaped.replace(/[<>&']/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ...base64Forms(Buffer.from(secret, 'utf8')),
  ];
}

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three
 * alignments the secret can have inside a longer encoded text.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const stable = encoded.slice(first, last);
    if (stable.length >= MIN_BASE64_CHARS) {
      forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

/** The values of the params named in SECRET_PARAM_NAMES (JSON text for non-strings). */
export function paramSecrets(params: Record<string, unknown>, config: RendererConfig): string[] {
  const secrets: string[] = [];
  for (const name of config.secretParamNames) {
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    if (value !== undefined && value !== null) {
      secrets.push(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return secrets;
}
