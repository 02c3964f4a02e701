// Reading template files for every command: paths relative to the working directory, and every
// problem of every file reported in the file's own field names before a command uses them.
import * as path from 'node:path';
import type { CliIo } from './cli-io';
import { readTemplateFileReports, TemplateFileEntry, TemplateFileReport } from '../template-files/template-file';

/** One report per file (directories expanded), paths resolved against `io.cwd`. */
export function templateFileReports(paths: readonly string[], io: CliIo): TemplateFileReport[] {
  return readTemplateFileReports(paths.map(p => path.resolve(io.cwd, p)));
}

/** The templates of the files, or undefined after reporting every file error and template problem. */
export function loadTemplates(paths: readonly string[], io: CliIo): TemplateFileEntry[] | undefined {
  const reports = templateFileReports(paths, io);
  let failed = false;
  for (const report of reports) {
    if (report.error !== undefined) {
      failed = true;
      io.err(`✘ ${relativeMessage(report.error, io)}`);
    }
    for (const entry of report.entries.filter(e => e.problems.length > 0)) {
      failed = true;
      entry.problems.forEach(problem => io.err(`✘ ${entryLabel(entry, io)}: ${relativeMessage(problem, io)}`));
    }
  }
  return failed ? undefined : reports.flatMap(r => r.entries);
}

/** `get-order GET  (templates/get-order.yaml)`: the template and where it comes from. */
export function entryLabel(entry: TemplateFileEntry, io: CliIo): string {
  return `${entry.item.PK} ${entry.item.SK}  (${relativeMessage(entry.source, io)})`;
}

/** Absolute paths in a message shortened to paths relative to the working directory. */
export function relativeMessage(message: string, io: CliIo): string {
  return message.split(io.cwd + path.sep).join('');
}
