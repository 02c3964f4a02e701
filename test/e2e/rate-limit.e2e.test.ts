// Acceptance of the rate limits (issue 16): 50 concurrent executions of the synthesized workflow
// calling a template limited to 5 calls a second. The renderer takes tokens from the bucket in
// the local DynamoDB; RateLimitedError is retried by the workflow's own Retry (intervals as
// defined, full jitter). The server sees no one-second window above perSecond + burst.
import { App, Stack } from 'aws-cdk-lib';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { type ArrivalRecorder, busiestSecond, startArrivalRecorder } from '../../examples/arrival-recorder';
import { ApiTemplate, HttpMethod, TemplatedApiCaller } from '../../src';

let runner: LocalWorkflowRunner;
/** The partner API, in a process of its own: it sees requests when they arrive. */
let api: ArrivalRecorder;

beforeAll(async () => {
  api = await startArrivalRecorder();
  const origin = api.origin;
  const stack = new Stack(new App(), 'RateLimited');
  const caller = new TemplatedApiCaller(stack, 'Caller', {
    allowPrivateNetworks: true,
    templates: [ApiTemplate.of({ name: 'partner', method: HttpMethod.GET, url: `${origin}/partner`, rateLimit: { perSecond: 5 } })],
  });
  runner = await LocalWorkflowRunner.fromConstruct(caller);
}, 120_000);

afterAll(async () => {
  await runner?.close();
  api?.close();
});

test('50 concurrent executions of a template limited to 5/s: all succeed, no one-second window above 6 calls on the server', async () => {
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    runner.execute({ templateName: 'partner', method: 'GET', params: { i } })));
  expect(results.map((r) => r.status)).toEqual(Array(50).fill('SUCCEEDED'));
  const arrivals = await api.arrivals();
  expect(arrivals).toHaveLength(50);
  const sorted = [...arrivals].sort((a, b) => a - b);
  const busiest = busiestSecond(arrivals);
  const achieved = (sorted.length - 1) / ((sorted[sorted.length - 1] - sorted[0]) / 1000);
  const retries = results.reduce((n, r) => n + r.states.filter((s) => s.error === 'RateLimitedError').length, 0);
  process.stderr.write(`50 executions through a 5/s limit: ${((Date.now() - started) / 1000).toFixed(1)} s, achieved ${achieved.toFixed(2)} calls/s, busiest second ${busiest}, ${retries} RateLimitedError retries\n`);
  expect(busiest).toBeLessThanOrEqual(6);
  // Every attempt that was limited is in the record, retried by the workflow (not by the test).
  expect(results.every((r) => r.states.filter((s) => s.name === 'CallApi').at(-1)?.error === undefined)).toBe(true);
}, 240_000);
