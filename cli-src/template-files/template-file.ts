// Template files (YAML or JSON) hold one template or a list of them, with the fields of
// `ApiTemplate`: name, method, url, headers, payload, timeout, description. The format itself is
// src/private/template-file-format.ts (ApiTemplate.fromFile reads the same files) and what a valid
// template is, the template model's TemplateRules (as at synth, deploy and run time); here each
// template becomes the table item the renderer reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PaginationTemplate, PlainTemplate, RateLimit, TemplateAttribute, TemplateRules } from '../../src/contract';
import {
  parseTemplateText, parseTimeout as parseTimeoutField, TEMPLATE_FILE_EXTENSIONS, TemplateFileFormatError,
} from '../../src/private/template-file-format';

/** A template file is wrong: the message names the file, the template and the field. */
export class TemplateFileError extends Error {
  public readonly name = 'TemplateFileError';
}

/** One template read from a file, as the item to write to the table. */
export interface TemplateFileEntry {
  /** `file` or `file#index` when the file holds several templates. */
  readonly source: string;
  readonly item: Record<string, string | number | Record<string, string> | PaginationTemplate | RateLimit>;
  /**
   * What is wrong with the template, in the file's field names (`method: …`, `timeout: …`);
   * empty when it is valid. Syntax is not checked here (template-syntax.ts does).
   */
  readonly problems: readonly string[];
}

/** What one file holds: its templates, or why it could not be read at all. */
export interface TemplateFileReport {
  readonly file: string;
  /** The file could not be read or parsed (YAML syntax, unknown field, …); it has no entries. */
  readonly error?: string;
  readonly entries: readonly TemplateFileEntry[];
}

/**
 * Reads files, and the template files directly inside directories, in name order: one report
 * per file, so that one broken file does not hide the others. A name and method defined twice
 * is a problem of the later template.
 */
export function readTemplateFileReports(paths: readonly string[]): TemplateFileReport[] {
  const reports: TemplateFileReport[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) {
      reports.push({ file: p, error: `${p}: no such file or directory`, entries: [] });
      continue;
    }
    const files = fs.statSync(p).isDirectory()
      ? fs.readdirSync(p).filter(f => TEMPLATE_FILE_EXTENSIONS.includes(path.extname(f))).sort().map(f => path.join(p, f))
      : [p];
    for (const file of files) {
      try {
        reports.push({ file, entries: parseTemplateFileEntries(fs.readFileSync(file, 'utf8'), file) });
      } catch (error) {
        if (!(error instanceof TemplateFileError)) throw error;
        reports.push({ file, error: error.message, entries: [] });
      }
    }
  }
  const seen = new Map<string, string>();
  return reports.map(report => ({
    ...report,
    entries: report.entries.map(entry => {
      const key = `${entry.item[TemplateAttribute.NAME]} ${entry.item[TemplateAttribute.METHOD]}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, entry.source);
        return entry;
      }
      return { ...entry, problems: [...entry.problems, `template ${key} is also defined in ${first}`] };
    }),
  }));
}

/** Reads files and directories as `readTemplateFileReports` does; the first problem throws. */
export function readTemplateFiles(paths: readonly string[]): TemplateFileEntry[] {
  const reports = readTemplateFileReports(paths);
  for (const report of reports) {
    if (report.error !== undefined) throw new TemplateFileError(report.error);
    const invalid = report.entries.find(e => e.problems.length > 0);
    if (invalid) throw new TemplateFileError(`${invalid.source}: ${invalid.problems.join('; ')}`);
  }
  return reports.flatMap(r => r.entries);
}

/** Parses one file's text (YAML, of which JSON is a subset); a template with a problem throws. */
export function parseTemplateFile(text: string, file: string): TemplateFileEntry[] {
  const entries = parseTemplateFileEntries(text, file);
  const invalid = entries.find(e => e.problems.length > 0);
  if (invalid) throw new TemplateFileError(`${invalid.source}: ${invalid.problems.join('; ')}`);
  return entries;
}

/** Parses one file's text; a file that cannot be parsed throws, a template's problems are listed. */
function parseTemplateFileEntries(text: string, file: string): TemplateFileEntry[] {
  return asTemplateFileError(() => parseTemplateText(text, file))
    .map(({ source, template }) => ({ source, item: templateItem(template), problems: fieldProblems(template) }));
}

/** The table item of a template (the attributes of src/contract.ts, plus `description`). */
export function templateItem(template: PlainTemplate): TemplateFileEntry['item'] {
  const item: TemplateFileEntry['item'] = {
    [TemplateAttribute.NAME]: template.name,
    [TemplateAttribute.METHOD]: template.method,
    [TemplateAttribute.URL]: template.url,
  };
  if (template.headers !== undefined) item[TemplateAttribute.HEADERS] = template.headers;
  if (template.payload !== undefined) item[TemplateAttribute.PAYLOAD] = template.payload;
  if (template.timeoutMs !== undefined) item[TemplateAttribute.TIMEOUT_MS] = template.timeoutMs;
  if (template.description !== undefined) item.description = template.description;
  if (template.response !== undefined) item[TemplateAttribute.RESPONSE] = template.response;
  if (template.pagination !== undefined) item[TemplateAttribute.PAGINATION] = template.pagination;
  if (template.auth !== undefined) item[TemplateAttribute.AUTH] = template.auth;
  if (template.rateLimit !== undefined) item[TemplateAttribute.RATE_LIMIT] = template.rateLimit;
  return item;
}

/** The template's problems in the file's field names: `method: must be one of ...`. */
function fieldProblems(template: PlainTemplate): string[] {
  return TemplateRules.problemsOf(template).map(({ field, message }) => `${field}: ${message}`);
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
