// Local runs straight from a CDK stack (tests, the demo); the CLI reads cdk.out instead and
// never loads aws-cdk-lib.
import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LocalWorkflowRunner, LocalWorkflowRunnerOptions } from './local-workflow-runner';

/**
 * Synthesizes the stage that holds `scope` and runs its state machine locally. With a construct
 * that owns a state machine (e.g. a TemplatedApiCaller), that state machine is the one run.
 */
export async function runnerForConstruct(scope: IConstruct, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
  const stack = Stack.of(scope);
  const stage = Stage.of(stack);
  if (stage === undefined) {
    throw new Error(`${stack.node.path} is not in a Stage or App: it cannot be synthesized`);
  }
  const assembly = stage.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template;
  const stateMachineId = options.stateMachineId ?? ownStateMachineId(scope, stack);
  return LocalWorkflowRunner.fromTemplate(template, { assemblyDir: assembly.directory, ...options, stateMachineId });
}

function ownStateMachineId(scope: IConstruct, stack: Stack): string | undefined {
  const machines = scope.node.findAll().filter(c => (c as { cfnResourceType?: string }).cfnResourceType === 'AWS::StepFunctions::StateMachine');
  return machines.length === 1 ? stack.resolve((machines[0] as any).logicalId) : undefined;
}
