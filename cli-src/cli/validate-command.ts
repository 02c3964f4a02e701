import { EXIT_FAILED, EXIT_OK, UsageError } from './cli-io';
import type { Command } from './command';
import { authProblems, stackAuthProfiles } from './stack-auth';
import { entryLabel, relativeMessage, templateFileReports } from './template-loader';
import { checkTemplateSyntax } from '../template-files/template-syntax';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check template files: fields, methods, URLs and template syntax',
  help: `Usage: templated-api-caller validate <file-or-directory>... [--stack <cdk.out/Stack.template.json>]

Checks YAML or JSON template files (every .yaml, .yml and .json file directly inside a
directory): known fields, name/method/url present, method one of GET HEAD POST PUT PATCH DELETE
OPTIONS, header names, timeout, duplicates, and the Jinja2 syntax of url, headers and payload.
Every file is checked, also after one that fails; a summary line ends the report.
Nothing is rendered or sent. With --stack, a template's auth must name one of the stack's
authentication profiles.

Exit code 0 when every template is valid, 1 otherwise.`,
  options: { stack: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length === 0) throw new UsageError('name at least one template file or directory');
    const profiles = stackAuthProfiles(values.stack, io);
    const reports = templateFileReports(positionals, io);
    let templates = 0;
    let valid = 0;
    const unreadable: string[] = [];
    for (const report of reports) {
      if (report.error !== undefined) {
        unreadable.push(relativeMessage(report.file, io));
        io.err(`✘ ${relativeMessage(report.error, io)}`);
      }
      for (const entry of report.entries) {
        templates++;
        const problems = [...entry.problems, ...syntaxProblems(entry.item), ...authProblems(entry.item, profiles)];
        if (problems.length === 0) {
          valid++;
          io.out(`✔ ${entryLabel(entry, io)}`);
        } else {
          problems.forEach(problem => io.err(`✘ ${entryLabel(entry, io)}: ${relativeMessage(problem, io)}`));
        }
      }
    }
    const files = `${reports.length} ${reports.length === 1 ? 'file' : 'files'}`;
    io.out(`${valid} of ${templates} templates valid (${files}${unreadable.length > 0 ? `; could not read ${unreadable.join(', ')}` : ''})`);
    return valid === templates && unreadable.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

/** Syntax errors, also of a template with wrong fields when the renderer can still read it. */
function syntaxProblems(item: Record<string, unknown>): string[] {
  try {
    return checkTemplateSyntax(item);
  } catch {
    return []; // its field problems say why the renderer cannot read it
  }
}
