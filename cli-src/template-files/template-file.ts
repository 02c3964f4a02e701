// Template files (YAML or JSON) hold one template or a list of them, with the fields of
// `ApiTemplate`: name, method, url, headers, payload, timeout, description. The format itself is
// src/private/template-file-format.ts (ApiTemplate.fromFile reads the same files); here each
// template becomes the table item the renderer reads, validated the way the renderer validates it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { TemplateAttribute } from '../../src/contract';
import {
  parseTemplateText, parseTimeout as parseTimeoutField, PlainApiTemplate, TEMPLATE_FILE_EXTENSIONS, TemplateFileFormatError,
} from '../../src/private/template-file-format';

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

/** Reads files, and the template files directly inside directories, in name order. */
export function readTemplateFiles(paths: readonly string[]): TemplateFileEntry[] {
  const files = paths.flatMap(p => {
    if (!fs.existsSync(p)) throw new TemplateFileError(`${p}: no such file or directory`);
    return fs.statSync(p).isDirectory()
      ? fs.readdirSync(p).filter(f => TEMPLATE_FILE_EXTENSIONS.includes(path.extname(f))).sort().map(f => path.join(p, f))
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
  return asTemplateFileError(() => parseTemplateText(text, file))
    .map(({ source, template }) => ({ source, item: toItem(template, source) }));
}

/** The table item of a template (the attributes of src/contract.ts, plus `description`). */
export function templateItem(template: PlainApiTemplate): TemplateFileEntry['item'] {
  const item: TemplateFileEntry['item'] = {
    [TemplateAttribute.NAME]: template.name,
    [TemplateAttribute.METHOD]: template.method,
    [TemplateAttribute.URL]: template.url,
  };
  if (template.headers !== undefined) item[TemplateAttribute.HEADERS] = template.headers;
  if (template.payload !== undefined) item[TemplateAttribute.PAYLOAD] = template.payload;
  if (template.timeoutMs !== undefined) item[TemplateAttribute.TIMEOUT_MS] = template.timeoutMs;
  if (template.description !== undefined) item.description = template.description;
  return item;
}

function toItem(template: PlainApiTemplate, source: string): TemplateFileEntry['item'] {
  const item = templateItem(template);
  try {
    decodeTemplateItem(item);
  } catch (error) {
    throw new TemplateFileError(`${source}: ${(error as Error).message}`);
  }
  return item;
}

/** `timeout` is a duration: `500ms`, `10s`, `2m`, or a number of seconds. */
export function parseTimeout(value: unknown, source: string): number {
  return asTemplateFileError(() => parseTimeoutField(value, source));
}

function asTemplateFileError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TemplateFileFormatError) throw new TemplateFileError(error.message);
    throw error;
  }
}
