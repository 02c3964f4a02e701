// A DISTRIBUTED Map state run as Step Functions runs it. aws-local-stepfunctions 3 runs it as an
// inline Map: it ignores ItemReader, ItemBatcher, ResultWriter and the tolerated-failure fields,
// fails on the first failed iteration and gives every iteration the parent's `$$.Execution`. So
// the runner takes the state out of the engine's hands (a Task in its place, see
// `asLocalTasks`) and runs it here: items from ItemsPath or the ItemReader, the ItemSelector per
// item, the ItemBatcher, one child execution per item or batch (its own `$$.Execution`), at most
// MaxConcurrency at once, the tolerated-failure thresholds, and the ResultWriter. Each behaviour
// and its source: AWS-FIDELITY.md.
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ContextObject, ExecutionIdentity } from './context-object';
import type { ExecutionRecord, MapRunCounts, MapRunRecord } from './execution-trace';
import { ItemReader } from './item-reader';
import { PayloadTemplate } from './payload-template';
import { ResultWriter } from './result-writer';
import { taskError } from './task-handlers';

export const EXCEED_TOLERATED_FAILURE_THRESHOLD = 'States.ExceedToleratedFailureThreshold';
/** MaxConcurrency 0 (or none) runs up to 10,000 child executions at once, the hard quota. */
const MAX_CHILDREN_AT_ONCE = 10_000;

/** Runs one child execution of the item processor (the runner's own execution machinery). */
export type ChildRunner = (input: unknown, identity: ExecutionIdentity) => Promise<ExecutionRecord>;

export function isDistributedMap(state: any): boolean {
  return state?.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** Fields a Task keeps from the Map it stands in for: the engine applies them as the Map would. */
const KEPT = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'];

/**
 * The definition with each Distributed Map (top level and in Parallel branches) replaced by a
 * Task the runner handles by the state's name; the Maps themselves, by name.
 */
export function asLocalTasks(definition: any, maps: Map<string, any> = new Map()): { definition: any; maps: Map<string, any> } {
  const states: Record<string, any> = {};
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    if (isDistributedMap(state)) {
      maps.set(name, state);
      states[name] = { Type: 'Task', Resource: `arn:aws:states:::local:distributedMap:${name}`, ...pick(state, KEPT) };
    } else if (state.Branches) {
      states[name] = { ...state, Branches: state.Branches.map((b: any) => asLocalTasks(b, maps).definition) };
    } else {
      states[name] = state;
    }
  }
  return { definition: { ...definition, States: states }, maps };
}

export class DistributedMap {
  private readonly itemsPath: PayloadTemplate;
  private readonly itemSelector?: PayloadTemplate;
  private readonly itemReader?: ItemReader;
  private readonly batchInput?: PayloadTemplate;
  private readonly resultWriter?: ResultWriter;
  private readonly label: string;
  private readonly executionType: 'STANDARD' | 'EXPRESS';

  constructor(private readonly name: string, private readonly state: any) {
    const where = `state ${name}`;
    this.itemsPath = PayloadTemplate.path(state.ItemsPath ?? '$');
    // `Parameters` is the ItemSelector's older name.
    const itemSelector = state.ItemSelector ?? state.Parameters;
    this.itemSelector = itemSelector === undefined ? undefined : PayloadTemplate.of(itemSelector, `${where}, ItemSelector`);
    this.itemReader = state.ItemReader === undefined ? undefined : new ItemReader(`${where}, ItemReader`, state.ItemReader);
    if (state.ItemBatcher?.BatchInput !== undefined) {
      this.batchInput = PayloadTemplate.of(state.ItemBatcher.BatchInput, `${where}, ItemBatcher.BatchInput`);
    }
    this.resultWriter = state.ResultWriter === undefined ? undefined : new ResultWriter(`${where}, ResultWriter`, state.ResultWriter);
    this.label = state.Label ?? name;
    this.executionType = state.ItemProcessor.ProcessorConfig.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  }

  /**
   * Runs the Map Run for `input` (the state's effective input) within the execution `parent`;
   * resolves to the state's result, or rejects with the error the state fails with.
   */
  public async run(input: unknown, parent: ContextObject, s3: S3Client | undefined,
    runChild: ChildRunner, record: (run: MapRunRecord) => void): Promise<unknown> {
    const evaluation = { context: parent };
    const { items, source } = this.itemReader
      ? await this.itemReader.read(input, evaluation, s3)
      : { items: await this.itemsPath.evaluate(input, evaluation), source: 'STATE_DATA' };
    if (!Array.isArray(items)) {
      throw taskError('States.Runtime', `An error occurred while executing the state '${this.name}'. The ItemsPath '${this.state.ItemsPath ?? '$'}' did not resolve to a JSON array`);
    }
    const selected: unknown[] = [];
    for (const [index, value] of items.entries()) {
      const mapItem = { Index: index, Value: value, Source: source };
      selected.push(this.itemSelector ? await this.itemSelector.evaluate(input, { context: parent, mapItem }) : value);
    }
    const childInputs = this.state.ItemBatcher ? await this.batches(selected, input, parent) : selected.map(item => ({ input: item, items: 1 }));

    const mapRunId = randomUUID();
    const mapRunArn = `${arnPrefix(parent)}:mapRun:${parent.StateMachine.Name}/${this.label}:${mapRunId}`;
    const startDate = new Date().toISOString();
    const children: ExecutionRecord[] = [];
    const { exceeds, count, percentage } = await this.threshold(input, parent, items.length);
    let failedItems = 0;
    let exceeded = false;
    let next = 0;
    const maxConcurrency = await this.numberField('MaxConcurrency', input, parent) ?? 0;
    const worker = async () => {
      // After the threshold is exceeded no child starts; those running finish.
      while (!exceeded && next < childInputs.length) {
        const i = next++;
        const child = await runChild(childInputs[i].input, this.childIdentity(parent, childInputs[i].input));
        children[i] = child;
        if (child.status !== 'SUCCEEDED') {
          // Items count, not child executions: a failed batch fails all its items.
          failedItems += childInputs[i].items;
          if (exceeds(failedItems)) exceeded = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxConcurrency || MAX_CHILDREN_AT_ONCE, childInputs.length) }, worker));
    const ran = children.filter(c => c !== undefined);
    const pending = childInputs.filter((_, i) => children[i] === undefined).map(c => c.input);
    const written = this.resultWriter?.writesToS3 ?? false;
    record({
      stateName: this.name,
      mapRunArn,
      executionArn: String(parent.Execution.Id),
      status: exceeded ? 'FAILED' : 'SUCCEEDED',
      startDate,
      stopDate: new Date().toISOString(),
      maxConcurrency,
      toleratedFailureCount: count ?? 0,
      toleratedFailurePercentage: percentage ?? 0,
      itemCounts: counts(childInputs.map((c, i) => [children[i], c.items]), written),
      executionCounts: counts(childInputs.map((_, i) => [children[i], 1]), written),
      childExecutions: ran,
    });
    // The result files are written when the Map Run fails too (PENDING: the children never started).
    const output = this.resultWriter
      ? await this.resultWriter.write(input, parent, s3, mapRunArn, mapRunId, ran, pending)
      : ResultWriter.stateOutput(undefined, ran);
    if (exceeded) throw taskError(EXCEED_TOLERATED_FAILURE_THRESHOLD, 'The specified tolerated failure threshold was exceeded');
    return output;
  }

  /** A child execution's identity: named by a UUID, under the state machine and the Map's label. */
  private childIdentity(parent: ContextObject, input: unknown): ExecutionIdentity {
    const machineName = String(parent.StateMachine.Name);
    const name = randomUUID();
    const prefix = arnPrefix(parent);
    return {
      executionArn: this.executionType === 'EXPRESS'
        ? `${prefix}:express:${machineName}/${this.label}:${name}:${randomUUID()}`
        : `${prefix}:execution:${machineName}/${this.label}:${name}`,
      name,
      startTime: new Date().toISOString(),
      input,
      roleArn: String(parent.Execution.RoleArn),
      stateMachineArn: `${prefix}:stateMachine:${machineName}/${this.label}`,
      stateMachineName: `${machineName}/${this.label}`,
    };
  }

  /** Child inputs `{ Items, BatchInput? }` of at most MaxItemsPerBatch items and MaxInputBytesPerBatch bytes. */
  private async batches(items: unknown[], input: unknown, parent: ContextObject): Promise<Array<{ input: unknown; items: number }>> {
    const batcher = this.state.ItemBatcher;
    const maxItems = await this.numberField('MaxItemsPerBatch', input, parent, batcher) ?? Infinity;
    const maxBytes = await this.numberField('MaxInputBytesPerBatch', input, parent, batcher) ?? 256 * 1024;
    const batchInput = await this.batchInput?.evaluate(input, { context: parent });
    const wrap = (batch: unknown[]) => ({ Items: batch, ...(batchInput === undefined ? {} : { BatchInput: batchInput }) });
    const out: Array<{ input: unknown; items: number }> = [];
    let batch: unknown[] = [];
    for (const item of items) {
      const candidate = [...batch, item];
      if (batch.length > 0 && (candidate.length > maxItems || Buffer.byteLength(JSON.stringify(wrap(candidate))) > maxBytes)) {
        out.push({ input: wrap(batch), items: batch.length });
        batch = [item];
      } else {
        batch = candidate;
      }
      if (Buffer.byteLength(JSON.stringify(wrap(batch))) > maxBytes) {
        throw taskError('States.Runtime', `An error occurred while executing the state '${this.name}'. An item is larger than MaxInputBytesPerBatch (${maxBytes} bytes)`);
      }
    }
    if (batch.length > 0) out.push({ input: wrap(batch), items: batch.length });
    return out;
  }

  /** Whether `failed` items exceed ToleratedFailureCount or ToleratedFailurePercentage (none tolerated by default). */
  private async threshold(input: unknown, parent: ContextObject, total: number) {
    const count = await this.numberField('ToleratedFailureCount', input, parent);
    const percentage = await this.numberField('ToleratedFailurePercentage', input, parent);
    const exceeds = (failed: number) => (count === undefined && percentage === undefined
      ? failed > 0
      : (count !== undefined && failed > count) || (percentage !== undefined && failed * 100 > percentage * total));
    return { exceeds, count, percentage };
  }

  /** A number given as `<field>` or read from the input at `<field>Path`. */
  private async numberField(field: string, input: unknown, parent: ContextObject, holder = this.state): Promise<number | undefined> {
    const path = holder?.[`${field}Path`];
    if (path === undefined) return holder?.[field];
    return Number(await PayloadTemplate.path(path).evaluate(input, { context: parent }));
  }
}

/** Counts by outcome of [child execution (undefined: never started), its items]. */
function counts(children: Array<[ExecutionRecord | undefined, number]>, written: boolean): MapRunCounts {
  const sum = (match: (child: ExecutionRecord | undefined) => boolean) => children.reduce((n, [child, items]) => n + (match(child) ? items : 0), 0);
  return {
    Pending: sum(c => c === undefined),
    Running: 0,
    Succeeded: sum(c => c?.status === 'SUCCEEDED'),
    Failed: sum(c => c?.status === 'FAILED'),
    TimedOut: sum(c => c?.status === 'TIMED_OUT'),
    Aborted: sum(c => c?.status === 'ABORTED'),
    Total: sum(() => true),
    ResultsWritten: written ? sum(c => c !== undefined) : 0,
    FailuresNotRedrivable: 0,
    PendingRedrive: 0,
  };
}

/** `arn:aws:states:<region>:<account>` of the execution's state machine. */
function arnPrefix(context: ContextObject): string {
  return String(context.StateMachine.Id).split(':').slice(0, 5).join(':');
}

function pick(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter(k => object[k] !== undefined).map(k => [k, object[k]]));
}
