// The template file format (YAML or JSON; one template, a list, or several YAML documents) and
// the field checks every template gets, shared by `ApiTemplate` and the CLI. Pure: no
// aws-cdk-lib, no lambda-src, so both towers can use it.
import { parseAllDocuments, type YAMLError } from 'yaml';
import { ReservedRequestHeaders } from '../contract';

/** A template as plain data, before it becomes a table item. */
export interface PlainApiTemplate {
  readonly name: string;
  /** Upper case. */
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: string;
  readonly timeoutMs?: number;
  readonly description?: string;
}

/** One template read from a file. */
export interface ParsedTemplate {
  /** `file` or `file#index` when the file holds several templates. */
  readonly source: string;
  readonly template: PlainApiTemplate;
}

/** A template file is wrong: the message starts with the file (`file#index`) and names the field. */
export class TemplateFileFormatError extends Error {
  constructor(readonly source: string, readonly field: string | undefined, message: string) {
    super(`${source}: ${message}`);
    Object.setPrototypeOf(this, TemplateFileFormatError.prototype);
    this.name = 'TemplateFileFormatError';
  }
}

export const TEMPLATE_FILE_FIELDS: readonly string[] = ['name', 'method', 'url', 'headers', 'payload', 'timeout', 'description'];
export const TEMPLATE_FILE_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

// The renderer's bounds (lambda-src/renderer/limits.ts); test/template-file-format.test.ts
// checks that the two agree.
export const HTTP_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const BODYLESS_METHODS: readonly string[] = ['GET', 'HEAD'];
export const MAX_HEADERS = 100;
export const MAX_NAME_CHARS = 1024;
export const MAX_URL_TEMPLATE_CHARS = 8 * 1024;
export const MAX_HEADER_TEMPLATE_CHARS = 8 * 1024;
export const MAX_PAYLOAD_TEMPLATE_CHARS = 400 * 1024;
export const MIN_TIMEOUT_MS = 1;
export const MAX_TIMEOUT_MS = 15 * 60 * 1000;
/** RFC 9110 token: what a header name may contain. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses one file's text (YAML, of which JSON is a subset). */
export function parseTemplateText(text: string, file: string): ParsedTemplate[] {
  const values: unknown[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new TemplateFileFormatError(file, undefined, yamlErrorMessage(document.errors[0], text));
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length === 0) throw new TemplateFileFormatError(file, undefined, 'no template in the file');
  return values.map((value, index) => {
    const source = values.length > 1 ? `${file}#${index + 1}` : file;
    return { source, template: toTemplate(value, source) };
  });
}

/**
 * The parser's reason and the offending line itself: its own message ends in a code excerpt
 * that reads as a dangling colon once cut to one line. An error past the last line (an unclosed
 * bracket) points at the last line that has text.
 */
function yamlErrorMessage(error: YAMLError, text: string): string {
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  if (position === undefined) return reason;
  const lines = text.split(/\r?\n/);
  let line = position.line;
  while (line > 1 && (lines[line - 1] ?? '').trim() === '') line--;
  const where = line === position.line ? `line ${line}, column ${position.col}` : `line ${line}, where the file ends unfinished`;
  return `${reason} at ${where}: ${JSON.stringify(lines[line - 1] ?? '')}`;
}

function toTemplate(value: unknown, source: string): PlainApiTemplate {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateFileFormatError(source, undefined, 'a template must be a mapping with name, method and url');
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(f => !TEMPLATE_FILE_FIELDS.includes(f));
  if (unknown.length > 0) {
    throw new TemplateFileFormatError(source, unknown[0], `unknown field ${unknown.join(', ')} (fields: ${TEMPLATE_FILE_FIELDS.join(', ')})`);
  }
  for (const field of ['name', 'method', 'url']) {
    if (typeof fields[field] !== 'string' || fields[field] === '') {
      throw new TemplateFileFormatError(source, field, `field ${field} must be a non-empty string`);
    }
  }
  if (fields.description !== undefined && typeof fields.description !== 'string') {
    throw new TemplateFileFormatError(source, 'description', 'field description must be a string');
  }
  // Same wording as the renderer's item checks, which the CLI ran on these fields before.
  if (fields.payload !== undefined && typeof fields.payload !== 'string') {
    throw new TemplateFileFormatError(source, 'payload', 'attribute payload must be a string');
  }
  if (fields.headers !== undefined) {
    if (fields.headers === null || typeof fields.headers !== 'object' || Array.isArray(fields.headers)) {
      throw new TemplateFileFormatError(source, 'headers', 'attribute headers must be a map of header name to string template');
    }
    for (const [name, header] of Object.entries(fields.headers)) {
      if (typeof header !== 'string') {
        throw new TemplateFileFormatError(source, 'headers', `attribute headers: header ${name} must be a string template`);
      }
    }
  }
  return {
    name: fields.name as string,
    method: (fields.method as string).toUpperCase(),
    url: fields.url as string,
    headers: fields.headers as Record<string, string> | undefined,
    payload: fields.payload as string | undefined,
    timeoutMs: fields.timeout === undefined ? undefined : parseTimeout(fields.timeout, source),
    description: fields.description as string | undefined,
  };
}

/** `timeout` is a duration: `500ms`, `10s`, `2m`, or a number of seconds. */
export function parseTimeout(value: unknown, source: string): number {
  const match = typeof value === 'number' ? [String(value), String(value), 's'] : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(String(value));
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new TemplateFileFormatError(source, 'timeout', `field timeout must be a duration like 500ms, 10s or 2m (got ${JSON.stringify(value)})`);
  }
  return ms;
}

/**
 * What can be told before rendering: the literal text before the first tag must be the start
 * of an http(s) URL. A URL that starts with a tag (`{{ baseUrl }}/x`) is checked when rendered.
 */
export function couldBeHttpUrl(urlTemplate: string): boolean {
  const literal = urlTemplate.trimStart().split('{')[0].toLowerCase();
  return ['http://', 'https://'].some(scheme => literal.startsWith(scheme) || scheme.startsWith(literal));
}

/** A problem with one field of a template. */
export interface TemplateProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * The checks that need no template compiler: method, URL scheme, header names and count,
 * lengths, timeout range, and a payload where the renderer would drop it. Syntax is checked by
 * the renderer's compiler (CLI, seeding custom resource).
 */
export function templateProblems(template: PlainApiTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (template.name === '' || template.name.length > MAX_NAME_CHARS) add('name', `must be 1 to ${MAX_NAME_CHARS} characters`);
  if (!HTTP_METHODS.includes(template.method)) add('method', `must be one of ${HTTP_METHODS.join(', ')}, got '${template.method}'`);
  if (template.url.trim() === '') {
    add('url', 'must not be empty');
  } else if (!couldBeHttpUrl(template.url)) {
    add('url', 'must start with http:// or https:// (or with a tag that renders to one)');
  }
  if (template.url.length > MAX_URL_TEMPLATE_CHARS) add('url', `is longer than ${MAX_URL_TEMPLATE_CHARS} characters`);
  const headers = Object.entries(template.headers ?? {});
  if (headers.length > MAX_HEADERS) add('headers', `has ${headers.length} headers, more than ${MAX_HEADERS}`);
  const seen = new Map<string, string>();
  for (const [name, value] of headers) {
    if (!HEADER_NAME.test(name)) add('headers', `'${name}' is not a valid header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~)`);
    else if (ReservedRequestHeaders.isReserved(name)) add('headers', `'${name}' cannot be set by a template: it decides where or how the request is sent, which the renderer's HTTP client sets`);
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) add('headers', `'${name}' repeats '${first}' (header names are case-insensitive)`);
    seen.set(name.toLowerCase(), name);
    if (value.length > MAX_HEADER_TEMPLATE_CHARS) add('headers', `value of '${name}' is longer than ${MAX_HEADER_TEMPLATE_CHARS} characters`);
  }
  if (template.payload !== undefined) {
    if (BODYLESS_METHODS.includes(template.method)) {
      add('payload', `${template.method} requests carry no body: the renderer would drop the payload (remove it or use another method)`);
    }
    if (template.payload.length > MAX_PAYLOAD_TEMPLATE_CHARS) add('payload', `is longer than ${MAX_PAYLOAD_TEMPLATE_CHARS} characters`);
  }
  const timeoutMs = template.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS)) {
    add('timeout', `must be a whole number of milliseconds from ${MIN_TIMEOUT_MS} ms to 15 minutes, got ${template.timeoutMs} ms`);
  }
  return problems;
}
