// Local runs straight from a CDK stack (this project's tests, the demo); the public form is
// LocalWorkflowRunner.fromConstruct / fromStack. The CLI reads cdk.out instead.
import type { IConstruct } from 'constructs';
import { LocalWorkflowRunner, LocalWorkflowRunnerOptions } from './local-workflow-runner';

/**
 * Synthesizes the stage that holds `scope` and runs its state machine locally. With a construct
 * that owns a state machine (e.g. a TemplatedApiCaller), that state machine is the one run.
 */
export function runnerForConstruct(scope: IConstruct, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
  return LocalWorkflowRunner.fromConstruct(scope, options);
}
