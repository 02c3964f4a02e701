// The context object (`$$`) as Step Functions gives it, per execution, state and attempt
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
// aws-local-stepfunctions 3 hands one static object to every state and attempt: `$$.State` is
// never set, `$$.Execution.StartTime` is the time of the engine's own start, and inside a
// Parallel branch `$$.Execution.StartTime/Input` are the branch's. So the runner redirects every
// `$$.Execution`, `$$.State` and `$$.StateMachine` path of the definition to an object it keeps
// itself, and follows the engine's state events as they are dispatched (synchronously, before
// the state evaluates its paths) to know which state and attempt is running.
import type * as LocalStepFunctions from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { checkStateOutput } from './payload-quota';

/** Where redirected paths find the runner's context object inside the engine's. */
export const CONTEXT_KEY = 'TemplatedApiCallerLocalContext';

export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly name: string;
  readonly startTime: string;
  readonly input: unknown;
  readonly roleArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
}

export interface StateContext {
  readonly Name: string;
  readonly EnteredTime: string;
  readonly RetryCount: number;
}

/** One execution's `$$`: static execution and state machine fields, the state of the moment. */
export class ContextObject {
  public readonly Execution: Record<string, unknown>;
  public readonly StateMachine: Record<string, unknown>;
  private current?: StateContext;
  // Events of Parallel branches and Map iterations reach the root logger a second time, later.
  private readonly seen = new WeakSet<object>();

  constructor(identity: ExecutionIdentity) {
    this.Execution = {
      Id: identity.executionArn,
      Input: identity.input,
      Name: identity.name,
      RoleArn: identity.roleArn,
      StartTime: identity.startTime,
      RedriveCount: 0,
    };
    this.StateMachine = { Id: identity.stateMachineArn, Name: identity.stateMachineName };
    Object.defineProperty(this, 'State', { enumerable: true, get: () => this.current });
  }

  /** A still view of this `$$` for evaluating paths outside the engine's states (its events do not reach it). */
  public view(): Record<string, unknown> {
    return { Execution: this.Execution, StateMachine: this.StateMachine, State: this.current, observe: () => undefined };
  }

  /** The engine dispatched `event`; states evaluate their paths right after it. */
  public observe(event: { type: string; timestamp: number; state?: { name: string; output?: unknown } }): void {
    if (this.seen.has(event)) return;
    this.seen.add(event);
    switch (event.type) {
      case 'StateEntered':
        this.current = { Name: event.state!.name, EnteredTime: new Date(event.timestamp).toISOString(), RetryCount: 0 };
        break;
      case 'StateRetried':
        // A retry is the same state entered once: EnteredTime stays, RetryCount counts retries.
        this.current = { ...this.current!, RetryCount: this.current!.RetryCount + 1 };
        break;
      case 'StateExited':
        checkStateOutput(event.state!.name, event.state!.output);
        break;
    }
  }
}

/** Fields of a state where `$$` paths may appear (see the context object page above). */
const PATH_FIELDS = ['InputPath', 'OutputPath', 'ItemsPath'];
const PAYLOAD_TEMPLATES = ['Parameters', 'ResultSelector', 'ItemSelector'];
// `$$` at the start of a path or of an intrinsic argument (outside quoted literals).
const REDIRECTED = /^\$\$\.(Execution|State|StateMachine)(?![A-Za-z0-9_])/;

/**
 * The definition with every `$$.Execution…`, `$$.State…` and `$$.StateMachine…` path pointing
 * at the runner's object. What the runner cannot reproduce is refused: task tokens, the whole
 * context (`$$`), and `$$.State` read after a task ran (ResultSelector, OutputPath) inside
 * Parallel branches or Map iterations, where states of one execution run at the same time.
 */
export function redirectContextPaths(definition: any, inBranch = false): any {
  const copy = structuredClone(definition);
  for (const [name, state] of Object.entries<any>(copy.States ?? {})) {
    const where = (field: string) => `state ${name}, ${field}`;
    for (const field of PATH_FIELDS) {
      if (typeof state[field] === 'string') state[field] = redirect(state[field], where(field), inBranch && field === 'OutputPath');
    }
    for (const field of PAYLOAD_TEMPLATES) {
      if (state[field] !== undefined) state[field] = redirectTemplate(state[field], where(field), inBranch && field === 'ResultSelector');
    }
    if (state.Type === 'Choice') {
      state.Choices = state.Choices?.map((rule: any) => redirectRule(rule, where('Choices')));
    }
  }
  // Branches and item processors run concurrently within the execution.
  for (const [, state] of Object.entries<any>(copy.States ?? {})) {
    if (state.Branches) state.Branches = state.Branches.map((b: any) => redirectContextPaths(b, true));
    if (state.Iterator) state.Iterator = redirectContextPaths(state.Iterator, true);
    if (state.ItemProcessor) state.ItemProcessor = { ...state.ItemProcessor, ...redirectContextPaths(state.ItemProcessor, true) };
  }
  return copy;
}

/** A payload template (ItemReader Parameters, BatchInput…) with its `$$` paths redirected, as a state's own are. */
export function redirectPayloadTemplate(template: unknown, where: string): unknown {
  return redirectTemplate(template, where, false);
}

function redirectRule(rule: any, where: string): any {
  if (rule === null || typeof rule !== 'object') return rule;
  return Object.fromEntries(Object.entries(rule).map(([key, value]) => {
    if (typeof value === 'string' && (key === 'Variable' || key.endsWith('Path'))) return [key, redirect(value, where, false)];
    if (key === 'And' || key === 'Or') return [key, (value as any[]).map(r => redirectRule(r, where))];
    if (key === 'Not') return [key, redirectRule(value, where)];
    return [key, value];
  }));
}

function redirectTemplate(template: any, where: string, afterTask: boolean): any {
  if (Array.isArray(template)) return template.map(t => redirectTemplate(t, where, afterTask));
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(Object.entries(template).map(([key, value]) => [key,
    key.endsWith('.$') && typeof value === 'string' ? redirect(value, where, afterTask) : redirectTemplate(value, where, afterTask)]));
}

/** Rewrites the `$$` references of a path or intrinsic expression, skipping quoted literals. */
function redirect(expression: string, where: string, afterTask: boolean): string {
  let out = '';
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") {
      // A literal: copy to its closing quote (\' and \\ are escapes inside it).
      let j = i + 1;
      while (j < expression.length && expression[j] !== "'") j += expression[j] === '\\' ? 2 : 1;
      out += expression.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '$' && expression[i + 1] === '$') {
      const rest = expression.slice(i);
      const match = REDIRECTED.exec(rest);
      if (match === null) {
        if (/^\$\$\.Map(?![A-Za-z0-9_])/.test(rest)) {
          out += '$$';
          i++;
          continue; // the engine sets $$.Map itself, per item
        }
        throw refusal(where, `${rest.split(/[,)\s]/)[0]} (only $$.Execution, $$.State, $$.StateMachine and $$.Map are reproduced; task tokens and the whole context are not)`);
      }
      if (afterTask && match[1] === 'State') {
        throw refusal(where, '$$.State read after the task ran, inside a Parallel branch or Map iteration (states of one execution run at once there)');
      }
      out += `$$.${CONTEXT_KEY}`;
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

function refusal(where: string, what: string): Error {
  return new Error(`the local runner cannot reproduce the context object used in ${where}: ${what}`);
}

type Engine = typeof LocalStepFunctions.StateMachine;
let hooked = false;

/**
 * Lets each execution's ContextObject see the engine's state events as they are dispatched: the
 * engine's `execute` (root and Parallel/Map children alike) receives its event logger in its
 * options. Checked loudly: another engine version must not silently lose the context.
 */
export function followStateEvents(engine: Engine): void {
  if (hooked) return;
  const proto = engine.prototype as unknown as { execute?: (input: unknown, options: any, cleanup: unknown) => unknown };
  const execute = proto.execute;
  if (typeof execute !== 'function') {
    throw new Error('aws-local-stepfunctions changed: StateMachine.prototype.execute is gone, so the local runner cannot supply the context object');
  }
  proto.execute = function (this: unknown, input, options, cleanup) {
    const context: ContextObject | undefined = options?.runOptions?.context?.[CONTEXT_KEY];
    if (context !== undefined) {
      const logger = options.eventLogger;
      if (typeof logger?.dispatch !== 'function') {
        throw new Error('aws-local-stepfunctions changed: no eventLogger.dispatch, so the local runner cannot supply the context object');
      }
      const dispatch = logger.dispatch.bind(logger);
      logger.dispatch = (event: any) => {
        dispatch(event);
        context.observe(event);
      };
    }
    return execute.call(this, input, options, cleanup);
  };
  hooked = true;
}
