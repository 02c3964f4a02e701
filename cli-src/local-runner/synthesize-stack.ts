// Local runs straight from a CDK app (users' tests, this project's tests, the demo). Only the
// constructs' own methods are used, never aws-cdk-lib's module: the runner ships without it and
// works with the user's copy, whatever its version (the CLI reads cdk.out instead).
import type { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { CfnTemplate } from './cloudformation';

/** What a runner needs from a synthesized stack. */
export interface SynthesizedStack {
  readonly template: CfnTemplate;
  readonly assemblyDir: string;
  /** The state machine `scope` owns, when it owns exactly one. */
  readonly stateMachineId?: string;
}

interface StackLike {
  readonly artifactId: string;
  readonly templateFile: string;
  resolve(value: unknown): unknown;
}
interface StageLike {
  synth(): { directory: string; getStackArtifact(id: string): { template: CfnTemplate } };
}

/**
 * Synthesizes the stage (App or Stage) that holds `scope` and returns its stack's template.
 * With a construct that owns one state machine (e.g. a TemplatedApiCaller), that one is chosen.
 */
export function synthesizeStackOf(scope: IConstruct | Stack): SynthesizedStack {
  const scopes = scope.node.scopes;
  const stackIndex = findLastIndex(scopes, isStack);
  if (stackIndex < 0) {
    throw new Error(`${scope.node.path || 'the construct'} is not in a Stack`);
  }
  const stack = scopes[stackIndex] as unknown as StackLike;
  const stage = scopes.slice(0, stackIndex).reverse().find(isStage) as unknown as StageLike | undefined;
  if (stage === undefined) {
    throw new Error(`${(stack as unknown as IConstruct).node.path} is not in a Stage or App: it cannot be synthesized`);
  }
  const assembly = stage.synth();
  return {
    template: assembly.getStackArtifact(stack.artifactId).template,
    assemblyDir: assembly.directory,
    stateMachineId: ownStateMachineId(scope, stack),
  };
}

function isStack(c: IConstruct): boolean {
  const s = c as unknown as Partial<StackLike>;
  return typeof s.artifactId === 'string' && typeof s.templateFile === 'string' && typeof s.resolve === 'function';
}

function isStage(c: IConstruct): boolean {
  return typeof (c as unknown as Partial<StageLike>).synth === 'function';
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

function ownStateMachineId(scope: IConstruct, stack: StackLike): string | undefined {
  const machines = scope.node.findAll().filter(c => (c as { cfnResourceType?: string }).cfnResourceType === 'AWS::StepFunctions::StateMachine');
  return machines.length === 1 ? String(stack.resolve((machines[0] as unknown as { logicalId: unknown }).logicalId)) : undefined;
}
