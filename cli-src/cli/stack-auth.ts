// `--stack <cdk.out/Stack.template.json>` for validate and put: a template whose `auth` names a
// profile the stack's renderer does not have is refused before anything is written, as the
// construct refuses it at synth for templates kept in code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CliIo } from './cli-io';
import { RendererEnvironment, TemplateAttribute } from '../../src/contract';
import { readStateMachine, type CfnTemplate } from '../local-runner/cloudformation';

/** The stack's authentication profile names, or undefined without `--stack`. */
export function stackAuthProfiles(stackFile: unknown, io: CliIo): string[] | undefined {
  if (stackFile === undefined) return undefined;
  const file = path.resolve(io.cwd, String(stackFile));
  if (!fs.existsSync(file)) throw new UsageError(`--stack ${stackFile}: no such file (run 'cdk synth' first)`);
  let machine;
  try {
    machine = readStateMachine(JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate);
  } catch (error) {
    throw new UsageError(`--stack ${stackFile}: ${(error as Error).message}`);
  }
  return [...new Set(machine.functions.flatMap(fn => {
    const json = fn.environment[RendererEnvironment.AUTH_PROFILES];
    return json === undefined ? [] : Object.keys(JSON.parse(json) as object);
  }))];
}

/** `auth: …` when the item names a profile the stack lacks. */
export function authProblems(item: Record<string, unknown>, profiles: readonly string[] | undefined): string[] {
  const auth = item[TemplateAttribute.AUTH];
  if (profiles === undefined || typeof auth !== 'string' || profiles.includes(auth)) return [];
  return [`auth: the stack has no authentication profile '${auth}' (its profiles: ${profiles.length === 0 ? 'none' : profiles.join(', ')})`];
}
