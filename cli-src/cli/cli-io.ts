// What a command needs from its surroundings, so tests can run commands in-process.

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Current directory for relative paths. */
  readonly cwd: string;
}

/** A wrong invocation: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  public readonly name = 'UsageError';
}

/** Exit codes: 0 done, 1 the thing checked or run failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function parseJsonOption(value: string | undefined, option: string): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${option} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Repeatable `NAME=value` options as a map (`dotted`: names like `billing.clientSecret` too). */
export function parseAssignments(options: unknown, option: string, dotted = false): Record<string, string> {
  const result: Record<string, string> = {};
  for (const assignment of (options as string[] | undefined) ?? []) {
    const match = (dotted ? /^([A-Za-z0-9_][A-Za-z0-9_.-]*)=(.*)$/s : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s).exec(assignment);
    if (!match) throw new UsageError(`${option} ${assignment}: expected NAME=value`);
    result[match[1]] = match[2];
  }
  return result;
}
