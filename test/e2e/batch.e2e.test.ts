// TemplatedApiBatch run locally from its synthesized definition: the Distributed Map's item
// processor per item against a loopback API, results in item order with per-item errors, the
// tolerated failure threshold, and maxConcurrency observed on the server.
// Step Functions behaviour followed (each cited where its test is):
// - Map results keep the order of the items: https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
// - MaxConcurrency bounds the child executions running at once: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
// - $$.Map.Item.Index / Value in ItemSelector: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Stack } from 'aws-cdk-lib';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { ApiTemplate, HttpMethod, RetryPolicy, TemplatedApiBatch, TemplatedApiCaller } from '../../src';

let inFlight = 0;
let mostInFlight = 0;
const received: number[] = [];
// Item n answers: 404 when n % 10 === 3, 500 (retryable, retried, then kept) when n % 25 === 7, else 200;
// n ≥ 1000 first answers 503 with Retry-After: 1, then 200.
const askedToWait = new Set<number>();
const api = http.createServer((req, res) => {
  const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n'));
  received.push(n);
  if (n >= 1000 && !askedToWait.has(n)) {
    askedToWait.add(n);
    res.writeHead(503, { 'retry-after': '1' }).end();
    return;
  }
  inFlight++;
  mostInFlight = Math.max(mostInFlight, inFlight);
  setTimeout(() => {
    inFlight--;
    const status = n % 10 === 3 ? 404 : n % 25 === 7 ? 500 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ n }));
  }, 15);
});

interface Tolerated {
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

function batchRunner(origin: string, tolerated: Tolerated, maxConcurrency = 5): Promise<LocalWorkflowRunner> {
  const stack = new Stack(new App(), 'Batch');
  const caller = new TemplatedApiCaller(stack, 'Caller', {
    allowPrivateNetworks: true,
    retry: RetryPolicy.backoff({ maxAttempts: 1 }),
    templates: [ApiTemplate.of({ name: 'notify', method: HttpMethod.POST, url: `${origin}/notify?n={{ n }}`, payload: '{"n": {{ n }}}' })],
  });
  const batch = new TemplatedApiBatch(stack, 'Batch', { caller, maxConcurrency, ...tolerated });
  return LocalWorkflowRunner.fromConstruct(batch, { retryIntervalMs: 1 });
}

let origin: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => {
  api.closeAllConnections();
  api.close();
});
beforeEach(() => {
  received.length = 0;
  mostInFlight = 0;
});

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

test('200 items, 20 % tolerated: counts, one result per item in item order, per-item error names; maxConcurrency 5 on the server', async () => {
  const runner = await batchRunner(origin, { toleratedFailurePercentage: 20 });
  try {
    const result = await runner.execute({ templateName: 'notify', method: 'POST', items: items(200) });
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { succeeded: number; failed: number; results: Array<Record<string, unknown>> };
    // 20 answer 404 (n % 10 === 3); 8 answer 500 twice (n % 25 === 7: 7, 32, …, 182; none is also ≡ 3 mod 10).
    expect(output.failed).toBe(28);
    expect(output.succeeded).toBe(172);
    expect(output.results.map((r) => r.index)).toEqual([...Array(200).keys()]);
    expect(output.results[0]).toEqual({ index: 0, status: 'SUCCEEDED', statusCode: 200 });
    expect(output.results[3]).toEqual({ index: 3, status: 'FAILED', statusCode: 404, error: 'ApiCallFailed', cause: 'The API answered with status 404, outside the success range 200-299.' });
    expect(output.results[7]).toMatchObject({ index: 7, status: 'FAILED', error: 'RetryableHttpError' });
    // Each item called once, the 500s twice (one retry).
    expect(received).toHaveLength(208);
    expect(mostInFlight).toBeLessThanOrEqual(5);
    expect(mostInFlight).toBeGreaterThanOrEqual(4);
  } finally {
    await runner.close();
  }
}, 180_000);

test('more failed items than tolerated: BatchFailureThresholdExceeded (percentage and count)', async () => {
  const percent = await batchRunner(origin, { toleratedFailurePercentage: 10 });
  try {
    // 40 items: 4 × 404 and 2 × 500 = 6 failed = 15 % > 10 %.
    const result = await percent.execute({ templateName: 'notify', method: 'POST', items: items(40) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'BatchFailureThresholdExceeded' });
    // Exactly at the threshold is tolerated: 1 failed item (n = 3) of 10 is 10 %.
    const at = await percent.execute({ templateName: 'notify', method: 'POST', items: [0, 1, 2, 3, 4, 5, 6, 8, 9, 10].map((n) => ({ n })) });
    expect(at.status).toBe('SUCCEEDED');
    expect((at.output as { failed: number }).failed).toBe(1);
  } finally {
    await percent.close();
  }
  const count = await batchRunner(origin, { toleratedFailureCount: 3 });
  try {
    const ok = await count.execute({ templateName: 'notify', method: 'POST', items: items(20) }); // 3 and 13 answer 404, 7 answers 500
    expect(ok).toMatchObject({ status: 'SUCCEEDED', output: { failed: 3, succeeded: 17 } });
    const over = await count.execute({ templateName: 'notify', method: 'POST', items: items(30) }); // and 23: 4 failed
    expect(over).toMatchObject({ status: 'FAILED', error: 'BatchFailureThresholdExceeded' });
  } finally {
    await count.close();
  }
}, 180_000);

// The API's Retry-After is waited for inside the item's child execution, as the caller's workflow does.
test('a 503 with Retry-After inside a batch item: the item waits in its child execution, then succeeds', async () => {
  const runner = await batchRunner(origin, {});
  try {
    const started = Date.now();
    const result = await runner.execute({ templateName: 'notify', method: 'POST', items: [{ n: 1000 }, { n: 1 }] });
    expect(result.cause).toBeUndefined();
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { succeeded: 2, failed: 0 } });
    expect(received).toEqual(expect.arrayContaining([1000, 1000, 1]));
    const child = result.mapRuns![0].childExecutions[0];
    expect(child.states.map((state) => state.name)).toEqual([
      'ItemFetchTemplate', 'ItemCallApi', 'ItemReadRetryAfter', 'ItemRecordRetryAfter', 'ItemWaitRetryAfter', 'ItemCallApi', 'ItemCheckStatus', 'ItemSucceeded',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // Each item ran as a child execution of its own.
    expect(new Set(result.mapRuns![0].childExecutions.map((c) => c.executionArn)).size).toBe(2);
  } finally {
    await runner.close();
  }
}, 60_000);

test('maxConcurrency 1 calls the items one after another', async () => {
  const runner = await batchRunner(origin, { toleratedFailureCount: 100 }, 1);
  try {
    const result = await runner.execute({ templateName: 'notify', method: 'POST', items: items(12) });
    expect(result.status).toBe('SUCCEEDED');
    expect(mostInFlight).toBe(1);
    expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11]);
  } finally {
    await runner.close();
  }
}, 120_000);
