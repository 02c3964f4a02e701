// What happened in one local execution, state by state, and how to print it.

/** One attempt at one state. */
export interface StateRecord {
  readonly name: string;
  readonly type: string;
  /** Milliseconds from the start of the execution. */
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly inputBytes: number;
  readonly outputBytes?: number;
  /** The error the attempt ended with, if any. */
  readonly error?: string;
  readonly cause?: string;
  /** Set when the attempt's error was retried (1 = first retry). */
  readonly retriedAttempt?: number;
  /** Set when the attempt's error was caught, to the state it went to. */
  readonly caughtNext?: string;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  /** The execution's ARN (`$$.Execution.Id`), name and start time, as Step Functions gives them. */
  readonly executionArn: string;
  /** The state machine's ARN (a Distributed Map's child: the parent's ARN and the Map's label). */
  readonly stateMachineArn: string;
  readonly name: string;
  readonly startTime: string;
  readonly status: ExecutionStatus;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly durationMs: number;
  readonly states: StateRecord[];
  /** What the functions printed during the execution (when the runner captures it). */
  readonly logs: string[];
  /** State attempts (retries included), the measure Standard workflows are billed by. */
  readonly stateTransitions: number;
  /** The Map Runs of the execution's Distributed Map states, with their child executions. */
  readonly mapRuns?: readonly MapRunRecord[];
}

/** What happened in one Map Run of a Distributed Map state. */
export interface MapRunRecord {
  readonly stateName: string;
  readonly mapRunArn: string;
  /** The execution that ran the Map state. */
  readonly executionArn: string;
  /** FAILED when more items failed than tolerated. */
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly startDate: string;
  readonly stopDate: string;
  readonly maxConcurrency: number;
  readonly toleratedFailureCount: number;
  readonly toleratedFailurePercentage: number;
  /** Items by outcome, as DescribeMapRun counts them (a batch's items share its child's outcome). */
  readonly itemCounts: MapRunCounts;
  /** Child executions by outcome. */
  readonly executionCounts: MapRunCounts;
  /** Its child executions, in item order (batch order with an ItemBatcher). */
  readonly childExecutions: readonly ExecutionRecord[];
}

/** DescribeMapRun's counts (https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunItemCounts.html). */
export interface MapRunCounts {
  readonly Pending: number;
  readonly Running: number;
  readonly Succeeded: number;
  readonly Failed: number;
  readonly TimedOut: number;
  readonly Aborted: number;
  readonly Total: number;
  readonly ResultsWritten: number;
  readonly FailuresNotRedrivable: number;
  readonly PendingRedrive: number;
}

export function byteSize(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** A readable, state-by-state rendering of an execution. */
export function formatExecution(record: ExecutionRecord): string {
  const rows = record.states.map(s => {
    const size = `${s.inputBytes} B in${s.outputBytes !== undefined ? ` / ${s.outputBytes} B out` : ''}`;
    const outcome = s.error === undefined
      ? 'ok'
      : `${s.error}${s.retriedAttempt !== undefined ? ` → retry ${s.retriedAttempt}` : ''}${s.caughtNext !== undefined ? ` → caught, next ${s.caughtNext}` : ''}`;
    return `  ${String(s.startedAtMs).padStart(5)} ms  ${s.name.padEnd(22)} ${s.type.padEnd(8)} ${String(s.durationMs).padStart(5)} ms  ${size.padEnd(24)} ${outcome}`;
  });
  // Headings aligned with the rows: `start` is when the attempt began in the execution.
  const heading = `  ${'start'.padStart(8)}  ${'state'.padEnd(22)} ${'type'.padEnd(8)} ${'duration'.padStart(8)}  ${'input / output size'.padEnd(24)} outcome`;
  const summary = record.status === 'SUCCEEDED'
    ? `SUCCEEDED in ${record.durationMs} ms, ${record.stateTransitions} state transitions`
    : `${record.status} in ${record.durationMs} ms: ${record.error ?? ''}${record.cause ? ` (${truncate(causeMessage(record.cause), 160)})` : ''}`;
  return [heading, ...rows, `  ${summary}`].join('\n');
}

/** A Lambda error's cause is its error payload as JSON: the message is what a reader wants. */
function causeMessage(cause: string): string {
  try {
    const payload = JSON.parse(cause);
    return typeof payload?.errorMessage === 'string' ? payload.errorMessage : cause;
  } catch {
    return cause;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One function log line, shortened for reading: a structured (JSON) line keeps its scalar
 * fields as `key=value`, and the request headers (where redaction shows) as `header:Name=value`;
 * anything else is returned as is.
 */
export function formatLogLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const { level, message, ...fields } = entry as Record<string, unknown>;
  const scalars = Object.entries(fields)
    .filter(([, value]) => value !== '' && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}=${value}`);
  const requestHeaders = Object.entries((fields.requestHeaders ?? {}) as Record<string, unknown>)
    .map(([name, value]) => `header:${name}=${value}`);
  return [level, message, ...scalars, ...requestHeaders].filter(part => part !== undefined).join(' ');
}
