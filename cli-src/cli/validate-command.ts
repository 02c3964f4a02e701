import * as path from 'node:path';
import { CliIo, EXIT_FAILED, EXIT_OK, UsageError } from './cli-io';
import type { Command } from './command';
import { readTemplateFiles, TemplateFileEntry } from '../template-files/template-file';
import { checkTemplateSyntax } from '../template-files/template-syntax';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check template files: fields, methods, URLs and template syntax',
  help: `Usage: templated-api-caller validate <file-or-directory>...

Checks YAML or JSON template files (every .yaml, .yml and .json file directly inside a
directory): known fields, name/method/url present, method one of GET HEAD POST PUT PATCH DELETE
OPTIONS, header names, timeout, duplicates, and the Jinja2 syntax of url, headers and payload.
Nothing is rendered or sent.

Exit code 0 when every template is valid, 1 otherwise.`,
  options: {},
  async run(_values, positionals, io) {
    if (positionals.length === 0) throw new UsageError('name at least one template file or directory');
    const entries = loadOrReport(positionals, io);
    if (entries === undefined) return EXIT_FAILED;
    let invalid = 0;
    for (const entry of entries) {
      const problems = checkTemplateSyntax(entry.item);
      const label = `${entry.item.PK} ${entry.item.SK}`;
      if (problems.length === 0) {
        io.out(`✔ ${label}  (${relative(entry.source, io)})`);
      } else {
        invalid++;
        for (const problem of problems) io.err(`✘ ${label}  (${relative(entry.source, io)}): ${problem}`);
      }
    }
    io.out(`${entries.length - invalid} of ${entries.length} templates valid`);
    return invalid === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

/** Reads the files; a file error is reported and yields undefined. */
export function loadOrReport(paths: readonly string[], io: CliIo): TemplateFileEntry[] | undefined {
  try {
    return readTemplateFiles(paths.map(p => path.resolve(io.cwd, p)));
  } catch (error) {
    if ((error as Error).name !== 'TemplateFileError') throw error;
    io.err(`✘ ${relativeMessage((error as Error).message, io)}`);
    return undefined;
  }
}

function relative(file: string, io: CliIo): string {
  return path.relative(io.cwd, file) || file;
}

function relativeMessage(message: string, io: CliIo): string {
  return message.split(io.cwd + path.sep).join('');
}
