// The local runner's Distributed Map, run from hand-written definitions: each Step Functions
// behaviour it reproduces is tested next to the page that documents it.
// DM  = https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
// IR  = https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
// CSV = https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
// IS  = https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html
// IB  = https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
// RW  = https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
// MR  = https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html
// DMR = https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html
// CTX = https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
import fc from 'fast-check';
import { type CfnTemplate, LocalWorkflowRunner } from '../../../cli-src/local-runner';
import { csvRows } from '../../../cli-src/local-runner/csv-rows';

const BUCKET = 'items-bucket';

/** Seen by the processor's one Task: what each child execution received and its own `$$`. */
interface Work {
  readonly item: any;
  readonly executionId: string;
  readonly executionName: string;
  readonly executionInput: unknown;
  readonly stateMachineId: string;
}

let inFlight = 0;
let mostInFlight = 0;
let seen: Work[] = [];

/** Fails an item whose `fail` field is set (or a batch holding one), after `delayMs` (5) milliseconds. */
async function work(input: Work): Promise<unknown> {
  seen.push(input);
  inFlight++;
  mostInFlight = Math.max(mostInFlight, inFlight);
  await new Promise((resolve) => setTimeout(resolve, input.item?.delayMs ?? 5));
  inFlight--;
  const items = Array.isArray(input.item?.Items) ? input.item.Items : [input.item];
  if (items.some((i: any) => i?.fail)) {
    const error = new Error(`item ${JSON.stringify(input.item)} broke`);
    error.name = 'ItemBroke';
    throw error;
  }
  return { done: input.item };
}

type Asl = Record<string, unknown>;

function definition(map: Asl, after?: Asl, workFields: Asl = {}): Asl {
  return {
    StartAt: 'Map',
    States: {
      Map: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::local:work',
              Parameters: {
                'item.$': '$',
                'executionId.$': '$$.Execution.Id',
                'executionName.$': '$$.Execution.Name',
                'executionInput.$': '$$.Execution.Input',
                'stateMachineId.$': '$$.StateMachine.Id',
              },
              ...workFields,
              End: true,
            },
          },
        },
        ...map,
        ...(after ? { Next: 'After' } : { End: true }),
      },
      ...(after ? { After: after } : {}),
    },
  };
}

function runner(asl: Record<string, unknown>): Promise<LocalWorkflowRunner> {
  const template: CfnTemplate = {
    Resources: {
      Items: { Type: 'AWS::S3::Bucket', Properties: { BucketName: BUCKET } },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'Batch', DefinitionString: JSON.stringify(asl) } },
    },
  };
  return LocalWorkflowRunner.fromTemplate(template, { taskHandlers: { Work: work }, retryIntervalMs: 1 });
}

async function using<T>(asl: Record<string, unknown>, body: (r: LocalWorkflowRunner) => Promise<T>): Promise<T> {
  const r = await runner(asl);
  try {
    return await body(r);
  } finally {
    await r.close();
  }
}

beforeEach(() => {
  seen = [];
  inFlight = 0;
  mostInFlight = 0;
});

const s3Reader = (inputType: string, extra: Record<string, unknown> = {}) => ({
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: inputType, ...extra },
  Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.key' },
});

describe('items, ItemSelector and child executions', () => {
  test('ItemsPath items, ItemSelector per item with $$.Map.Item, output in item order (DM, IS, CTX)', async () => {
    await using(definition({
      ItemsPath: '$.list',
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'source.$': '$$.Map.Item.Source', 'tag.$': '$.tag' },
      MaxConcurrency: 3,
      Label: 'Fan',
      ResultPath: '$.results',
    }), async (r) => {
      const result = await r.execute({ tag: 't', list: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
      expect(result.status).toBe('SUCCEEDED');
      const output = result.output as { results: Array<{ done: { index: number; value: string; source: string; tag: string } }> };
      expect(output.results.map((x) => x.done)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((value, index) => ({ index, value, source: 'STATE_DATA', tag: 't' })));
    });
  });

  test('each item is a child execution of its own: its own $$.Execution (Id, Name, Input) under the state machine and the Map label (DM, CTX)', async () => {
    await using(definition({ ItemsPath: '$.list', Label: 'Fan', MaxConcurrency: 2 }), async (r) => {
      const result = await r.execute({ list: [1, 2, 3] }, { name: 'parent' });
      expect(result.status).toBe('SUCCEEDED');
      const ids = seen.map((w) => w.executionId);
      expect(new Set(ids).size).toBe(3);
      for (const w of seen) {
        expect(w.executionId).toMatch(/^arn:aws:states:local-1:000000000000:express:Batch\/Fan:[0-9a-f-]{36}:[0-9a-f-]{36}$/);
        expect(w.executionId).toContain(`:${w.executionName}:`);
        expect(w.executionInput).toBe(w.item);
        expect(w.stateMachineId).toBe('arn:aws:states:local-1:000000000000:stateMachine:Batch/Fan');
      }
      expect(result.executionArn).toBe('arn:aws:states:local-1:000000000000:execution:Batch:parent');
      const [run] = result.mapRuns!;
      expect(run.mapRunArn).toMatch(/^arn:aws:states:local-1:000000000000:mapRun:Batch\/Fan:[0-9a-f-]{36}$/);
      expect(run.childExecutions.map((c) => c.input)).toEqual([1, 2, 3]);
      // The parent's states are its own: the child's Task is not among them.
      expect(result.states.map((s) => s.name)).toEqual(['Map']);
      expect(run.childExecutions[0].states.map((s) => s.name)).toEqual(['Work']);
    });
  });

  test('MaxConcurrency bounds the children running at once; 0 runs them all at once (DM)', async () => {
    await using(definition({ ItemsPath: '$.list', MaxConcurrency: 4 }), async (r) => {
      await r.execute({ list: [...Array(20).keys()].map(() => ({ delayMs: 100 })) });
      expect(mostInFlight).toBe(4);
    });
    mostInFlight = 0;
    await using(definition({ ItemsPath: '$.list', MaxConcurrency: 0 }), async (r) => {
      await r.execute({ list: [...Array(20).keys()].map(() => ({ delayMs: 100 })) });
      expect(mostInFlight).toBe(20);
    });
  });
});

describe('ItemReader from S3', () => {
  test('JSON: the object holds an array, each element an item (IR)', async () => {
    await using(definition({ ItemReader: s3Reader('JSON') }), async (r) => {
      await r.putObject(BUCKET, 'in/items.json', JSON.stringify([{ n: 1 }, { n: 2 }, 'three']));
      const result = await r.execute({ bucket: BUCKET, key: 'in/items.json' });
      expect(result.output).toEqual([{ done: { n: 1 } }, { done: { n: 2 } }, { done: 'three' }]);
    });
  });

  test('JSONL: one item per line, a final newline adds none (IR)', async () => {
    await using(definition({ ItemReader: s3Reader('JSONL') }), async (r) => {
      await r.putObject(BUCKET, 'items.jsonl', '{"n":1}\r\n{"n":2}\n[3]\n');
      const result = await r.execute({ bucket: BUCKET, key: 'items.jsonl' });
      expect(result.output).toEqual([{ done: { n: 1 } }, { done: { n: 2 } }, { done: [3] }]);
    });
  });

  test('CSV: header row keys, every value a string, quoting, doubled quotes, line breaks in quotes, backslashes; short rows get empty strings, extra fields are skipped (IR, CSV)', async () => {
    await using(definition({ ItemReader: s3Reader('CSV', { CSVHeaderLocation: 'FIRST_ROW' }), ItemSelector: { 'index.$': '$$.Map.Item.Index', 'row.$': '$$.Map.Item.Value', 'source.$': '$$.Map.Item.Source' } }), async (r) => {
      const csv = [
        'id,name,note',
        '1,Ada,"says ""hi"", then, leaves"',
        '2,"Line\nbreak",plain',
        '3,back\\,slash,a\\\\b\\q',
        '4,short',
        '5,long,x,extra,fields',
        'true,1,Null',
        '',
      ].join('\r\n');
      await r.putObject(BUCKET, 'rows.csv', csv);
      const result = await r.execute({ bucket: BUCKET, key: 'rows.csv' });
      expect(result.status).toBe('SUCCEEDED');
      expect((result.output as any[]).map((x) => x.done.row)).toEqual([
        { id: '1', name: 'Ada', note: 'says "hi", then, leaves' },
        { id: '2', name: 'Line\nbreak', note: 'plain' },
        { id: '3', name: 'back,slash', note: 'a\\bq' },
        { id: '4', name: 'short', note: '' },
        { id: '5', name: 'long', note: 'x' },
        { id: 'true', name: '1', note: 'Null' },
      ]);
      expect((result.output as any[]).map((x) => x.done.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect((result.output as any[])[0].done.source).toBe(`S3://${BUCKET}/rows.csv`);
    });
  });

  test('CSV with GIVEN headers and another delimiter; MaxItems stops reading (IR)', async () => {
    await using(definition({ ItemReader: s3Reader('CSV', { CSVHeaderLocation: 'GIVEN', CSVHeaders: ['a', 'b'], CSVDelimiter: 'SEMICOLON', MaxItems: 2 }) }), async (r) => {
      await r.putObject(BUCKET, 'rows.csv', '1;2\n3;4\n5;6\n');
      const result = await r.execute({ bucket: BUCKET, key: 'rows.csv' });
      expect(result.output).toEqual([{ done: { a: '1', b: '2' } }, { done: { a: '3', b: '4' } }]);
    });
  });

  test.each([
    ['JSON', 'not-json', '{"a": [1,'],
    ['JSON', 'object.json', '{"a": 1}'],
    ['JSONL', 'bad.jsonl', '{"n":1}\n{oops}\n'],
    ['CSV', 'dup.csv', 'a,a\n1,2\n'],
    ['CSV', 'open.csv', 'a\n"never closed\n'],
  ])('a %s object that cannot be read (%s) fails the state with States.ItemReaderFailed (IR, error handling)', async (type, key, body) => {
    await using(definition({ ItemReader: s3Reader(type) }), async (r) => {
      await r.putObject(BUCKET, key, body);
      const result = await r.execute({ bucket: BUCKET, key });
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
      expect(seen).toHaveLength(0);
    });
  });

  test('a missing object fails with States.ItemReaderFailed, naming it', async () => {
    await using(definition({ ItemReader: s3Reader('JSON') }), async (r) => {
      const result = await r.execute({ bucket: BUCKET, key: 'nowhere.json' });
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
      expect(result.cause).toContain(`s3://${BUCKET}/nowhere.json`);
    });
  });
});

describe('ItemBatcher', () => {
  test('items selected first, then batched: { BatchInput, Items } of at most MaxItemsPerBatch (IB)', async () => {
    await using(definition({
      ItemsPath: '$.list',
      ItemSelector: { 'i.$': '$$.Map.Item.Index' },
      ItemBatcher: { MaxItemsPerBatch: 4, BatchInput: { 'job.$': '$.job' } },
    }), async (r) => {
      const result = await r.execute({ job: 'j', list: [...Array(10).keys()].map((n) => `v${n}`) });
      expect(result.output).toEqual([
        { done: { BatchInput: { job: 'j' }, Items: [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }] } },
        { done: { BatchInput: { job: 'j' }, Items: [{ i: 4 }, { i: 5 }, { i: 6 }, { i: 7 }] } },
        { done: { BatchInput: { job: 'j' }, Items: [{ i: 8 }, { i: 9 }] } },
      ]);
      expect(result.mapRuns![0]).toMatchObject({ itemCounts: { Total: 10, Succeeded: 10 }, executionCounts: { Total: 3, Succeeded: 3 } });
    });
  });

  test('MaxInputBytesPerBatch bounds each child input in bytes (IB)', async () => {
    await using(definition({ ItemsPath: '$.list', ItemBatcher: { MaxInputBytesPerBatch: 60 } }), async (r) => {
      const list = [...Array(9).keys()].map((n) => `item-${n}`); // "item-n", 8 bytes with quotes and comma
      const result = await r.execute({ list });
      const batches = (result.output as Array<{ done: { Items: string[] } }>).map((b) => b.done.Items);
      expect(batches.flat()).toEqual(list);
      expect(batches.length).toBeGreaterThan(1);
      for (const items of batches) expect(Buffer.byteLength(JSON.stringify({ Items: items }))).toBeLessThanOrEqual(60);
    });
  });
});

describe('tolerated failures', () => {
  const items = (failing: number[], count = 10) => [...Array(count).keys()].map((n) => ({ n, ...(failing.includes(n) ? { fail: true } : {}) }));

  test('by default one failed item fails the state with States.ExceedToleratedFailureThreshold (DM)', async () => {
    await using(definition({ ItemsPath: '$.list', MaxConcurrency: 1 }), async (r) => {
      const result = await r.execute({ list: items([2]) });
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' });
      // No child starts after the threshold is exceeded.
      expect(seen.map((w) => w.item.n)).toEqual([0, 1, 2]);
    });
  });

  test('ToleratedFailureCount: failing when more items fail, not when as many; a tolerated failed child is its whole execution entry in the output (DM, RW)', async () => {
    await using(definition({ ItemsPath: '$.list', ToleratedFailureCount: 2 }), async (r) => {
      const ok = await r.execute({ list: items([3, 7]) });
      expect(ok.status).toBe('SUCCEEDED');
      const output = ok.output as any[];
      expect(output[0]).toEqual({ done: { n: 0 } });
      expect(output[3]).toMatchObject({ Status: 'FAILED', Error: 'ItemBroke', Input: JSON.stringify({ n: 3, fail: true }), InputDetails: { Included: true } });
      expect(output[3].ExecutionArn).toContain(':express:Batch/Map:');
      const over = await r.execute({ list: items([1, 3, 7]) });
      expect(over).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    });
  });

  test('ToleratedFailurePercentage of the items: exactly at it passes, above fails (DM)', async () => {
    await using(definition({ ItemsPath: '$.list', ToleratedFailurePercentage: 20 }), async (r) => {
      expect((await r.execute({ list: items([1, 2]) })).status).toBe('SUCCEEDED');
      expect((await r.execute({ list: items([1, 2, 3]) })).error).toBe('States.ExceedToleratedFailureThreshold');
    });
  });

  test('a failed batch counts all its items as failed (MR)', async () => {
    await using(definition({ ItemsPath: '$.list', ItemBatcher: { MaxItemsPerBatch: 5 }, ToleratedFailureCount: 4 }), async (r) => {
      const result = await r.execute({ list: items([7]) });
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
      expect(result.mapRuns![0]).toMatchObject({ status: 'FAILED', itemCounts: { Failed: 5, Succeeded: 5, Total: 10 }, executionCounts: { Failed: 1, Succeeded: 1 } });
    });
  });

  test('the Map state\'s Catch handles the threshold error like any state error', async () => {
    await using(definition({
      ItemsPath: '$.list',
      Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'After' }],
    }, { Type: 'Pass', End: true }), async (r) => {
      const result = await r.execute({ list: items([0]) });
      expect(result.status).toBe('SUCCEEDED');
      expect((result.output as any).error).toEqual({ Error: 'States.ExceedToleratedFailureThreshold', Cause: 'The specified tolerated failure threshold was exceeded' });
    });
  });
});

describe('ResultWriter and DescribeMapRun', () => {
  const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, Prefix: 'runs' } };
  const describe = { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:describeMapRun', Parameters: { 'MapRunArn.$': '$.map.MapRunArn' }, ResultPath: '$.described', End: true };

  test('results go to <Prefix>/<map run id>/: SUCCEEDED_0.json and FAILED_0.json of execution entries and manifest.json; the state output points at the manifest (RW)', async () => {
    await using(definition({ ItemsPath: '$.list', ToleratedFailureCount: 5, ResultWriter: writer, ResultPath: '$.map' }, describe), async (r) => {
      const result = await r.execute({ list: [{ n: 0 }, { n: 1, fail: true }, { n: 2 }] });
      expect(result.status).toBe('SUCCEEDED');
      const { map, described } = result.output as any;
      const runId = map.MapRunArn.split(':').pop();
      expect(map).toEqual({ MapRunArn: expect.stringMatching(/:mapRun:Batch\/Map:/), ResultWriterDetails: { Bucket: BUCKET, Key: `runs/${runId}/manifest.json` } });
      const manifest = JSON.parse(await r.getObject(BUCKET, map.ResultWriterDetails.Key));
      const succeededBody = await r.getObject(BUCKET, `runs/${runId}/SUCCEEDED_0.json`);
      const failedBody = await r.getObject(BUCKET, `runs/${runId}/FAILED_0.json`);
      expect(manifest).toEqual({
        DestinationBucket: BUCKET,
        MapRunArn: map.MapRunArn,
        ResultFiles: {
          FAILED: [{ Key: `runs/${runId}/FAILED_0.json`, Size: Buffer.byteLength(failedBody) }],
          PENDING: [],
          SUCCEEDED: [{ Key: `runs/${runId}/SUCCEEDED_0.json`, Size: Buffer.byteLength(succeededBody) }],
        },
      });
      const succeeded = JSON.parse(succeededBody);
      expect(succeeded).toHaveLength(2);
      expect(succeeded[0]).toEqual({
        ExecutionArn: expect.stringContaining(':express:Batch/Map:'),
        Input: '{"n":0}',
        InputDetails: { Included: true },
        Name: expect.stringMatching(/^[0-9a-f-]{36}$/),
        Output: '{"done":{"n":0}}',
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: 'NOT_REDRIVABLE',
        RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
        StartDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        StateMachineArn: 'arn:aws:states:local-1:000000000000:stateMachine:Batch/Map',
        Status: 'SUCCEEDED',
        StopDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(JSON.parse(failedBody)).toEqual([expect.objectContaining({ Input: '{"n":1,"fail":true}', Status: 'FAILED', Error: 'ItemBroke' })]);
      // DescribeMapRun through the AWS SDK integration (PascalCase fields) (DMR).
      expect(described).toMatchObject({
        MapRunArn: map.MapRunArn,
        ExecutionArn: result.executionArn,
        Status: 'SUCCEEDED',
        ToleratedFailureCount: 5,
        ItemCounts: { Total: 3, Succeeded: 2, Failed: 1, Pending: 0, ResultsWritten: 3 },
        ExecutionCounts: { Total: 3, Succeeded: 2, Failed: 1 },
      });
    });
  });

  test('JSONL output type; a failed Map Run still writes its results, with the children never started as PENDING (RW)', async () => {
    await using(definition({ ItemsPath: '$.list', MaxConcurrency: 1, ResultWriter: { ...writer, WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' } } }), async (r) => {
      const result = await r.execute({ list: [{ n: 0 }, { n: 1, fail: true }, { n: 2 }, { n: 3 }] });
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
      const runId = result.mapRuns![0].mapRunArn.split(':').pop();
      const manifest = JSON.parse(await r.getObject(BUCKET, `runs/${runId}/manifest.json`));
      expect(manifest.ResultFiles.SUCCEEDED.map((f: any) => f.Key)).toEqual([`runs/${runId}/SUCCEEDED_0.jsonl`]);
      expect((await r.getObject(BUCKET, `runs/${runId}/SUCCEEDED_0.jsonl`)).trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ done: { n: 0 } }]);
      const pending = (await r.getObject(BUCKET, `runs/${runId}/PENDING_0.jsonl`)).trim().split('\n').map((l) => JSON.parse(l).Input);
      expect(pending).toEqual(['{"n":2}', '{"n":3}']);
    });
  });

  test('WriterConfig without Resource shapes the state output only: FLATTEN spreads array outputs (RW)', async () => {
    // Each child returns its batch's items (an array): FLATTEN makes one list of them.
    await using(definition({ ItemsPath: '$.list', ItemBatcher: { MaxItemsPerBatch: 2 }, ResultWriter: { WriterConfig: { OutputType: 'JSON', Transformation: 'FLATTEN' } } }, undefined, { OutputPath: '$.done.Items' }), async (r) => {
      const result = await r.execute({ list: [1, 2, 3] });
      expect(result.output).toEqual([1, 2, 3]);
    });
    await using(definition({ ItemsPath: '$.list', ItemBatcher: { MaxItemsPerBatch: 2 } }, undefined, { OutputPath: '$.done.Items' }), async (r) => {
      expect((await r.execute({ list: [1, 2, 3] })).output).toEqual([[1, 2], [3]]);
    });
  });

  test('DescribeMapRun of an unknown Map Run: Sfn.ResourceNotFoundException', async () => {
    await using(definition({ ItemsPath: '$.list', ResultPath: '$.map' }, { ...describe, Parameters: { MapRunArn: 'arn:aws:states:local-1:000000000000:mapRun:Batch/Map:nope' } }), async (r) => {
      const result = await r.execute({ list: [] });
      expect(result).toMatchObject({ status: 'FAILED', error: 'Sfn.ResourceNotFoundException' });
    });
  });
});

// Generated rows of fields made of every character CSV treats specially (delimiters, quotes,
// backslashes, CR, LF, spaces) written as CSV with each of the documented escapes (quoting with
// doubled quotes, backslashes), read back exactly (CSV).
test('csvRows reads back any rows written with quotes or backslash escapes, for every delimiter', () => {
  const delimiters = [',', '|', ';', '\t', ' '];
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '|', ';', '\t', ' ', '"', '\\', '\n', '\r', 'é', '✓') });
  fc.assert(fc.property(
    fc.constantFrom(...delimiters),
    fc.array(fc.array(fc.tuple(field, fc.boolean()), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
    (delimiter, rows, lineBreak, finalBreak) => {
      const write = ([value, quote]: [string, boolean]) => (quote || /[\r\n]/.test(value)
        ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '""')}"`
        : value.replace(/[\\"]/g, (c) => `\\${c}`).split(delimiter).join(`\\${delimiter}`));
      const text = rows.map((row) => row.map(write).join(delimiter)).join(lineBreak) + (finalBreak ? lineBreak : '');
      // A row of one empty unquoted field is a blank line: no row.
      const expected = rows.map((row) => row.map(([value]) => value)).filter((row, i) => !(row.length === 1 && row[0] === '' && !rows[i][0][1]));
      expect(csvRows(text, delimiter)).toEqual(expected);
    },
  ), { numRuns: 2000 });
});

test('csvRows: a quoted field may hold CRLF; a trailing line break adds no row', () => {
  expect(csvRows('a,"b\r\nc"\r\n\r\nd,e\r\n')).toEqual([['a', 'b\r\nc'], ['d', 'e']]);
  expect(csvRows('x|y', '|')).toEqual([['x', 'y']]);
});
