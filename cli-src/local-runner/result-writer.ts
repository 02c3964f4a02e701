// A Distributed Map's results: the state output (the children's outputs, COMPACT) or, with a
// ResultWriter that names S3, the result files and manifest written to the local S3 and the
// state output pointing at them, in the shapes Step Functions gives them
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ContextObject } from './context-object';
import type { ExecutionRecord } from './execution-trace';
import { PayloadTemplate } from './payload-template';
import { taskError } from './task-handlers';

export const RESULT_WRITER_FAILED = 'States.ResultWriterFailed';

interface WriterConfig {
  readonly Transformation?: 'NONE' | 'COMPACT' | 'FLATTEN';
  readonly OutputType?: 'JSON' | 'JSONL';
}

export class ResultWriter {
  /**
   * The state output without S3: each child's output (COMPACT, the default), arrays spread
   * (FLATTEN) or the whole execution entry (NONE); a failed child always as its whole entry.
   */
  public static stateOutput(config: WriterConfig | undefined, children: readonly ExecutionRecord[]): unknown[] {
    const transformation = config?.Transformation ?? 'COMPACT';
    return children.flatMap(child => {
      if (transformation === 'NONE' || child.status !== 'SUCCEEDED') return [executionEntry(child)];
      if (transformation === 'FLATTEN' && Array.isArray(child.output)) return child.output;
      return [child.output];
    });
  }

  private readonly parameters?: PayloadTemplate;
  private readonly config?: WriterConfig;

  /** Whether results go to S3 (Resource and Parameters), not only into the state output. */
  public get writesToS3(): boolean {
    return this.parameters !== undefined;
  }

  constructor(where: string, writer: any) {
    if (writer.Resource !== undefined && writer.Resource !== 'arn:aws:states:::s3:putObject') {
      throw new Error(`${where}: the local runner writes results with arn:aws:states:::s3:putObject, not ${writer.Resource}`);
    }
    this.parameters = writer.Resource === undefined ? undefined : PayloadTemplate.of(writer.Parameters ?? {}, `${where}.Parameters`);
    this.config = writer.WriterConfig;
  }

  /**
   * Writes `<Prefix>/<map run id>/` SUCCEEDED_0, FAILED_0 and PENDING_0 (those that hold
   * executions) and manifest.json; without Resource (WriterConfig only) returns the state output.
   */
  public async write(input: unknown, parent: ContextObject, s3: S3Client | undefined, mapRunArn: string, mapRunId: string,
    children: readonly ExecutionRecord[], pending: readonly unknown[]): Promise<unknown> {
    if (this.parameters === undefined) return ResultWriter.stateOutput(this.config, children);
    const { Bucket, Prefix } = await this.parameters.evaluate(input, { context: parent }) as Record<string, string>;
    if (s3 === undefined) throw new Error('no local S3 is running (the template declares no bucket)');
    // Without WriterConfig the files hold whole execution entries (NONE) as a JSON array.
    const transformation = this.config?.Transformation ?? 'NONE';
    const jsonl = this.config?.OutputType === 'JSONL';
    const folder = `${Prefix ? `${Prefix.replace(/\/$/, '')}/` : ''}${mapRunId}`;
    const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
    const put = async (key: string, body: string) => {
      try {
        await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: Buffer.from(body) }));
      } catch (error) {
        throw taskError(RESULT_WRITER_FAILED, `Failed to write s3://${Bucket}/${key}: ${(error as Error).name}: ${(error as Error).message}`);
      }
    };
    const entries = {
      SUCCEEDED: ResultWriter.stateOutput({ Transformation: transformation }, children.filter(c => c.status === 'SUCCEEDED')),
      // Failed, timed out and aborted children.
      FAILED: ResultWriter.stateOutput({ Transformation: transformation }, children.filter(c => c.status !== 'SUCCEEDED')),
      PENDING: pending.map(item => ({ Input: JSON.stringify(item), InputDetails: { Included: true }, Status: 'PENDING' })),
    };
    for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
      if (entries[status].length === 0) continue;
      const body = jsonl ? entries[status].map(e => JSON.stringify(e)).join('\n') + '\n' : JSON.stringify(entries[status]);
      const key = `${folder}/${status}_0.${jsonl ? 'jsonl' : 'json'}`;
      await put(key, body);
      files[status].push({ Key: key, Size: Buffer.byteLength(body) });
    }
    const manifestKey = `${folder}/manifest.json`;
    await put(manifestKey, JSON.stringify({ DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: files }));
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
  }
}

/** A child execution as the results list it (DescribeExecution's fields, input and output as JSON text). */
function executionEntry(child: ExecutionRecord): Record<string, unknown> {
  const stopDate = new Date(Date.parse(child.startTime) + child.durationMs).toISOString();
  return {
    ExecutionArn: child.executionArn,
    Input: JSON.stringify(child.input),
    InputDetails: { Included: true },
    Name: child.name,
    ...(child.status === 'SUCCEEDED'
      ? { Output: JSON.stringify(child.output), OutputDetails: { Included: true } }
      : { Error: child.error, Cause: child.cause }),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    RedriveStatusReason: child.status === 'SUCCEEDED' ? 'Execution is SUCCEEDED and cannot be redriven' : 'Execution is in a Map Run that is not redrivable',
    StartDate: child.startTime,
    StateMachineArn: child.stateMachineArn,
    Status: child.status,
    StopDate: stopDate,
  };
}
