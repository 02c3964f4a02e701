// templated-api-caller: manage and try request templates without deploying anything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CliIo, EXIT_OK, EXIT_USAGE, UsageError } from './cli-io';
import type { Command } from './command';
import { putCommand } from './put-command';
import { renderCommand } from './render-command';
import { runCommand } from './run-command';
import { validateCommand } from './validate-command';

const COMMANDS: readonly Command[] = [renderCommand, validateCommand, putCommand, runCommand];

const HELP = `Usage: templated-api-caller <command> [options]

Commands:
${COMMANDS.map(c => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'templated-api-caller <command> --help' for a command's options, 'templated-api-caller
--version' for the version.
Template files are YAML or JSON with the fields name, method, url, headers, payload, timeout,
description and auth (an authentication profile of the stack).`;

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(packageVersion());
    return EXIT_OK;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find(c => c.name === name);
  if (command === undefined) {
    io.err(`unknown command '${name}'\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(command.help);
      return EXIT_OK;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${command.name}: ${e.message}\n\n${command.help}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/**
 * The version of the installed package. package.json is two levels up both from the bundle
 * (assets/cli/index.js) and from this source file (cli-src/cli/index.ts); read at run time, so
 * that the bundle never carries a stale copy.
 */
export function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

if (require.main === module) {
  // The SDK warns that its future releases need Node.js 22; the CLI bundles a fixed release.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), { out: line => console.log(line), err: line => console.error(line), cwd: process.cwd() })
    .then(code => { process.exitCode = code; }, error => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
      process.exitCode = 1;
    });
}
