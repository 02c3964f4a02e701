// TemplatedApiBatch with items read from S3 (`itemsFrom`) and results written to S3
// (`resultBucket`), run locally from its synthesized definition against a loopback API and the
// local S3. The Distributed Map behaviours it relies on (ItemReader formats, ResultWriter files,
// tolerated failures, DescribeMapRun) are each tested against their AWS page in
// test/cli-src/local-runner/distributed-map.test.ts.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { ApiTemplate, HttpMethod, RetryPolicy, TemplatedApiBatch, TemplatedApiCaller } from '../../src';

const ITEMS_BUCKET = 'batch-items';
const RESULTS_BUCKET = 'batch-results';

let inFlight = 0;
let mostInFlight = 0;
const received: string[] = [];
// Item n answers 404 when n % 10 === 3, 500 (retried once, then kept) when n % 25 === 7, else 200.
const api = http.createServer((req, res) => {
  const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n'));
  received.push(String(n));
  inFlight++;
  mostInFlight = Math.max(mostInFlight, inFlight);
  setTimeout(() => {
    inFlight--;
    res.writeHead(n % 10 === 3 ? 404 : n % 25 === 7 ? 500 : 200).end();
  }, 10);
});

let origin: string;
let runner: LocalWorkflowRunner;
let strict: LocalWorkflowRunner;

function batchRunner(toleratedFailurePercentage: number): Promise<LocalWorkflowRunner> {
  const stack = new Stack(new App(), `BatchS3${toleratedFailurePercentage}`);
  const caller = new TemplatedApiCaller(stack, 'Caller', {
    allowPrivateNetworks: true,
    retry: RetryPolicy.backoff({ maxAttempts: 1 }),
    templates: [ApiTemplate.of({ name: 'notify', method: HttpMethod.POST, url: `${origin}/notify?n={{ n }}`, payload: '{"n": {{ n }}}' })],
  });
  const batch = new TemplatedApiBatch(stack, 'Batch', {
    caller,
    maxConcurrency: 5,
    toleratedFailurePercentage,
    itemsBucket: new s3.Bucket(stack, 'Items', { bucketName: ITEMS_BUCKET }),
    resultBucket: new s3.Bucket(stack, 'Results', { bucketName: RESULTS_BUCKET }),
  });
  return LocalWorkflowRunner.fromConstruct(batch, { retryIntervalMs: 1 });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  runner = await batchRunner(20);
  strict = await batchRunner(10);
}, 60_000);
afterAll(async () => {
  await runner?.close();
  await strict?.close();
  api.closeAllConnections();
  api.close();
});
beforeEach(() => {
  received.length = 0;
  mostInFlight = 0;
});

const ns = (count: number) => [...Array(count).keys()];
const FORMATS: Record<string, (count: number) => string> = {
  JSON: (count) => JSON.stringify(ns(count).map((n) => ({ n }))),
  JSONL: (count) => ns(count).map((n) => JSON.stringify({ n })).join('\n') + '\n',
  CSV: (count) => ['n', ...ns(count)].join('\r\n') + '\r\n',
};

async function resultFiles(location: { bucket: string; key: string }) {
  const manifest = JSON.parse(await runner.getObject(location.bucket, location.key));
  const read = async (status: string) => {
    const files = await Promise.all(manifest.ResultFiles[status].map((f: { Key: string }) => runner.getObject(location.bucket, f.Key)));
    return files.flatMap((body) => JSON.parse(body));
  };
  return { manifest, succeeded: await read('SUCCEEDED'), failed: await read('FAILED') };
}

test.each(Object.keys(FORMATS))('itemsFrom %s: 30 items read from S3, counts from the Map Run, every item\'s result in the result bucket', async (format) => {
  const key = `in/items.${format.toLowerCase()}`;
  await runner.putObject(ITEMS_BUCKET, key, FORMATS[format](30));
  const result = await runner.execute({ templateName: 'notify', method: 'POST', itemsFrom: { bucket: ITEMS_BUCKET, key, format } });
  expect(result.cause).toBeUndefined();
  expect(result.status).toBe('SUCCEEDED');
  // 404: 3, 13, 23; 500: 7 → 4 of 30 = 13 % ≤ 20 %.
  const output = result.output as { succeeded: number; failed: number; resultLocation: { bucket: string; key: string } };
  expect(output).toEqual({ succeeded: 26, failed: 4, resultLocation: { bucket: RESULTS_BUCKET, key: expect.stringMatching(/^templated-api-batch\/[0-9a-f-]{36}\/manifest\.json$/) } });
  const { succeeded, failed } = await resultFiles(output.resultLocation);
  expect(succeeded).toHaveLength(26);
  expect(failed).toHaveLength(4);
  // Each entry's Input is the item as the processor got it: index, template, params (CSV values are strings).
  const params = (entry: { Input: string }) => JSON.parse(entry.Input);
  const first = succeeded.map(params).find((input: any) => input.index === 0);
  expect(first).toEqual({ index: 0, templateName: 'notify', method: 'POST', params: { n: format === 'CSV' ? '0' : 0 } });
  expect(JSON.parse(succeeded.find((e: any) => params(e).index === 0).Output)).toEqual({ index: 0, status: 'SUCCEEDED', statusCode: 200 });
  const failures = Object.fromEntries(failed.map((e: any) => [params(e).index, e.Error]));
  expect(failures).toEqual({ 3: 'ApiCallFailed', 13: 'ApiCallFailed', 23: 'ApiCallFailed', 7: 'RetryableHttpError' });
  expect(failed.find((e: any) => params(e).index === 3).Cause).toBe('The API answered with status 404, outside the success range 200-299.');
  // One child execution per item, each with its own $$.Execution; at most maxConcurrency at once.
  const children = result.mapRuns![0].childExecutions;
  expect(new Set(children.map((c) => c.executionArn)).size).toBe(30);
  expect(received).toHaveLength(31);
  expect(mostInFlight).toBeLessThanOrEqual(5);
}, 120_000);

test('inline items with a result bucket: the results go to S3 too', async () => {
  const result = await runner.execute({ templateName: 'notify', method: 'POST', items: ns(12).map((n) => ({ n })) });
  expect(result.status).toBe('SUCCEEDED');
  const output = result.output as { succeeded: number; failed: number; resultLocation: { bucket: string; key: string } };
  expect(output).toMatchObject({ succeeded: 10, failed: 2, resultLocation: { bucket: RESULTS_BUCKET } });
  expect((await resultFiles(output.resultLocation)).failed.map((e: any) => JSON.parse(e.Input).index).sort()).toEqual([3, 7]);
}, 60_000);

test('more failed items than tolerated: BatchFailureThresholdExceeded, from the Map Run\'s own threshold', async () => {
  await strict.putObject(ITEMS_BUCKET, 'in/40.jsonl', FORMATS.JSONL(40));
  // 404: 3, 13, 23, 33; 500: 7, 32 → 6 of 40 = 15 % > 10 %.
  const result = await strict.execute({ templateName: 'notify', method: 'POST', itemsFrom: { bucket: ITEMS_BUCKET, key: 'in/40.jsonl', format: 'JSONL' } });
  expect(result).toMatchObject({ status: 'FAILED', error: 'BatchFailureThresholdExceeded' });
}, 60_000);

test.each([
  ['no items', { templateName: 'notify', method: 'POST' }, 'InvalidBatchInput'],
  ['no method', { templateName: 'notify', items: [] }, 'InvalidBatchInput'],
  ['a method that is not a string', { templateName: 'notify', method: 5, items: [] }, 'InvalidBatchInput'],
  ['both items and itemsFrom', { templateName: 'notify', method: 'POST', items: [], itemsFrom: { bucket: ITEMS_BUCKET, key: 'k', format: 'CSV' } }, 'InvalidBatchInput'],
  ['itemsFrom without a key', { templateName: 'notify', method: 'POST', itemsFrom: { bucket: ITEMS_BUCKET, format: 'CSV' } }, 'InvalidItemsFrom'],
  ['another bucket', { templateName: 'notify', method: 'POST', itemsFrom: { bucket: 'elsewhere', key: 'k', format: 'CSV' } }, 'WrongItemsBucket'],
  ['an unknown format', { templateName: 'notify', method: 'POST', itemsFrom: { bucket: ITEMS_BUCKET, key: 'k', format: 'XML' } }, 'UnknownItemsFormat'],
])('bad input (%s) fails with InvalidInput at %s, before any call', async (_what, input, state) => {
  const result = await runner.execute(input);
  expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
  expect(result.states.map((s) => s.name)).toContain(state);
  expect(received).toHaveLength(0);
});

test('a missing items object fails the batch with States.ItemReaderFailed, naming it', async () => {
  const result = await runner.execute({ templateName: 'notify', method: 'POST', itemsFrom: { bucket: ITEMS_BUCKET, key: 'in/none.csv', format: 'CSV' } });
  expect(result).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
  expect(result.cause).toContain('in/none.csv');
});
