// The shape every CLI command has: its options (node:util parseArgs), its help, its run.
import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io';

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: OptionValues, positionals: string[], io: CliIo): Promise<number>;
}
