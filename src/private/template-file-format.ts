// The template file format (YAML or JSON; one template, a list, or several YAML documents),
// shared by `ApiTemplate` and the CLI: it turns a file's text into the model's plain templates.
// What a valid template is lives in the template model (src/template-model.ts). Pure: no
// aws-cdk-lib, no lambda-src, so both towers can use it.
import { parseAllDocuments, type YAMLError } from 'yaml';
import { PlainTemplate, TemplateField } from '../template-model';

/** One template read from a file. */
export interface ParsedTemplate {
  /** `file` or `file#index` when the file holds several templates. */
  readonly source: string;
  readonly template: PlainTemplate;
}

/** A template file is wrong: the message starts with the file (`file#index`) and names the field. */
export class TemplateFileFormatError extends Error {
  constructor(readonly source: string, readonly field: string | undefined, message: string) {
    super(`${source}: ${message}`);
    Object.setPrototypeOf(this, TemplateFileFormatError.prototype);
    this.name = 'TemplateFileFormatError';
  }
}

export const TEMPLATE_FILE_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

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

/**
 * The file's mapping as a plain template: the format's own rules (a mapping, known fields, a
 * `timeout` written as a duration) here; what the values must be is the model's (`TemplateRules`).
 */
function toTemplate(value: unknown, source: string): PlainTemplate {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateFileFormatError(source, undefined, 'a template must be a mapping with name, method and url');
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(f => !TemplateField.ALL.includes(f));
  if (unknown.length > 0) {
    throw new TemplateFileFormatError(source, unknown[0], `unknown field ${unknown.join(', ')} (fields: ${TemplateField.ALL.join(', ')})`);
  }
  const method = fields.method;
  const timeout = fields.timeout;
  return {
    name: fields.name,
    // A lower-case method is the file's shorthand: the table item holds it upper case.
    method: typeof method === 'string' ? method.toUpperCase() : method,
    url: fields.url,
    headers: fields.headers,
    payload: fields.payload,
    timeoutMs: timeout === undefined || timeout === null ? undefined : parseTimeout(timeout, source),
    description: fields.description,
    response: fields.response,
    pagination: fields.pagination,
    auth: fields.auth,
    rateLimit: fields.rateLimit,
  } as PlainTemplate;
}

/**
 * `timeout` is a duration: `500ms`, `10s`, `2m`, or a number of seconds. Only the notation is
 * checked here; the range (and whole milliseconds) is the model's.
 */
export function parseTimeout(value: unknown, source: string): number {
  const match = typeof value === 'number' ? [String(value), String(value), 's'] : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(String(value));
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new TemplateFileFormatError(source, 'timeout', `field timeout must be a duration like 500ms, 10s or 2m (got ${JSON.stringify(value)})`);
  }
  return ms;
}
