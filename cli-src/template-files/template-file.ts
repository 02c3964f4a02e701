// Template files (YAML or JSON) hold one template or a list of them, with the fields of
// `ApiTemplate`: name, method, url, headers, payload, timeout, description. Each becomes the
// table item the renderer reads, validated the way the renderer validates it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { TemplateAttribute } from '../../src/contract';

/** A template file is wrong: the message names the file, the template and the field. */
export class TemplateFileError extends Error {
  public readonly name = 'TemplateFileError';
}

/** One template read from a file, as the item to write to the table. */
export interface TemplateFileEntry {
  /** `file` or `file#index` when the file holds several templates. */
  readonly source: string;
  readonly item: Record<string, string | number | Record<string, string>>;
}

const FIELDS = new Set(['name', 'method', 'url', 'headers', 'payload', 'timeout', 'description']);
const FILE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Reads files, and the template files directly inside directories, in name order. */
export function readTemplateFiles(paths: readonly string[]): TemplateFileEntry[] {
  const files = paths.flatMap(p => {
    if (!fs.existsSync(p)) throw new TemplateFileError(`${p}: no such file or directory`);
    return fs.statSync(p).isDirectory()
      ? fs.readdirSync(p).filter(f => FILE_EXTENSIONS.has(path.extname(f))).sort().map(f => path.join(p, f))
      : [p];
  });
  const entries = files.flatMap(file => parseTemplateFile(fs.readFileSync(file, 'utf8'), file));
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const key = `${entry.item[TemplateAttribute.NAME]} ${entry.item[TemplateAttribute.METHOD]}`;
    const first = seen.get(key);
    if (first !== undefined) throw new TemplateFileError(`${entry.source}: template ${key} is also defined in ${first}`);
    seen.set(key, entry.source);
  }
  return entries;
}

/** Parses one file's text (YAML, of which JSON is a subset). */
export function parseTemplateFile(text: string, file: string): TemplateFileEntry[] {
  const documents = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    if (document.errors.length > 0) {
      throw new TemplateFileError(`${file}: ${document.errors[0].message.split('\n')[0]}`);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length === 0) throw new TemplateFileError(`${file}: no template in the file`);
  return values.map((value, index) => {
    const source = values.length > 1 ? `${file}#${index + 1}` : file;
    return { source, item: toItem(value, source) };
  });
}

function toItem(value: unknown, source: string): TemplateFileEntry['item'] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateFileError(`${source}: a template must be a mapping with name, method and url`);
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(f => !FIELDS.has(f));
  if (unknown.length > 0) {
    throw new TemplateFileError(`${source}: unknown field ${unknown.join(', ')} (fields: ${[...FIELDS].join(', ')})`);
  }
  for (const field of ['name', 'method', 'url'] as const) {
    if (typeof fields[field] !== 'string' || fields[field] === '') {
      throw new TemplateFileError(`${source}: field ${field} must be a non-empty string`);
    }
  }
  if (fields.description !== undefined && typeof fields.description !== 'string') {
    throw new TemplateFileError(`${source}: field description must be a string`);
  }
  const item: TemplateFileEntry['item'] = {
    [TemplateAttribute.NAME]: fields.name as string,
    [TemplateAttribute.METHOD]: (fields.method as string).toUpperCase(),
    [TemplateAttribute.URL]: fields.url as string,
  };
  if (fields.headers !== undefined) item[TemplateAttribute.HEADERS] = fields.headers as Record<string, string>;
  if (fields.payload !== undefined) item[TemplateAttribute.PAYLOAD] = fields.payload as string;
  if (fields.timeout !== undefined) item[TemplateAttribute.TIMEOUT_MS] = parseTimeout(fields.timeout, source);
  if (fields.description !== undefined) item.description = fields.description as string;
  try {
    decodeTemplateItem(item);
  } catch (error) {
    throw new TemplateFileError(`${source}: ${(error as Error).message}`);
  }
  return item;
}

/** `timeout` is a duration: `500ms`, `10s`, `2m`, or a number of seconds. */
export function parseTimeout(value: unknown, source: string): number {
  const match = typeof value === 'number' ? [String(value), String(value), 's'] : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(String(value));
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new TemplateFileError(`${source}: field timeout must be a duration like 500ms, 10s or 2m (got ${JSON.stringify(value)})`);
  }
  return ms;
}
