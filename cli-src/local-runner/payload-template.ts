// Evaluates a path or payload template (ItemsPath, ItemSelector, ItemReader Parameters, BatchInput…)
// the way a state would, with the engine's own JSONPath and intrinsic functions: a one-state Pass
// machine run on the value. The fields the runner evaluates itself (a Distributed Map's) then
// follow exactly the rules every other state follows.
import type * as LocalStepFunctions from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { CONTEXT_KEY, type ContextObject, redirectPayloadTemplate } from './context-object';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExecutionError, StateMachine }: typeof LocalStepFunctions = require('aws-local-stepfunctions');

/** What `$$` holds for the evaluation: the execution's context and, in an ItemSelector, `Map.Item`. */
export interface EvaluationContext {
  readonly context: ContextObject;
  readonly mapItem?: { readonly Index: number; readonly Value: unknown; readonly Source: string };
}

/** A payload template (`{ "key.$": "$.path", … }`) or a path, compiled once, evaluated per value. */
export class PayloadTemplate {
  /** `template` as Parameters would apply it. */
  public static of(template: unknown, where: string): PayloadTemplate {
    return new PayloadTemplate({ Type: 'Pass', Parameters: redirectPayloadTemplate(template, where), End: true });
  }

  /** The value at `path` (a reference path such as ItemsPath). */
  public static path(path: string): PayloadTemplate {
    return new PayloadTemplate({ Type: 'Pass', InputPath: path, End: true });
  }

  private readonly engine: LocalStepFunctions.StateMachine;

  private constructor(state: Record<string, unknown>) {
    this.engine = new StateMachine({ StartAt: 'Evaluate', States: { Evaluate: state } } as any, { validationOptions: { checkArn: false } });
  }

  /** Evaluates against `input`; a failure surfaces as the error the state would fail with (States.Runtime…). */
  public async evaluate(input: unknown, { context, mapItem }: EvaluationContext): Promise<unknown> {
    // A still view of the execution's `$$`: the evaluation's own Pass state must not show in it.
    try {
      const $$ = { [CONTEXT_KEY]: context.view(), ...(mapItem ? { Map: { Item: mapItem } } : {}) };
      return await this.engine.run(input as any, { context: $$ as any }).result;
    } catch (error) {
      if (error instanceof ExecutionError) throw (error as Error & { cause: Error }).cause;
      throw error;
    }
  }
}
