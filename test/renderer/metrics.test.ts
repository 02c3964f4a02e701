// Per-template metrics: the renderer's one log line per call carries Embedded Metric Format
// fields when METRICS_NAMESPACE is set, validated against the EMF specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
import { emfProblems } from './emf-specification';
import { getItemOutput } from './helpers/items';
import { json, startHttpServer, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { metricFields } from '../../lambda-src/renderer/metrics';

let api: TestServer;
let written: string[];
let spy: jest.SpyInstance;

beforeAll(async () => {
  api = await startHttpServer((request, response) => {
    if (request.url === '/slow') {
      setTimeout(() => json(200, { ok: true })(request, response), 30);
    } else {
      json(Number(request.url.slice(1)) || 200, { ok: false })(request, response);
    }
  });
  process.env.ALLOW_PRIVATE_NETWORKS = 'true';
  process.env.METRICS_NAMESPACE = 'Orders/Api';
  resetRendererConfig();
});

beforeEach(() => {
  written = [];
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});

afterEach(() => spy.mockRestore());

afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_NETWORKS;
  delete process.env.METRICS_NAMESPACE;
  resetRendererConfig();
  await Promise.all([api.close(), closeHttpAgent()]);
});

const call = (url: string, retryCount = 0) => handler({
  template: getItemOutput({ PK: 'get-order', SK: 'GET', url: `${api.url}${url}`, headers: { Authorization: 'Bearer {{ token }}' } }),
  params: { token: 'sekrit-token-value' },
  execution: { id: 'arn:aws:states:eu-west-1:1:execution:m:e', name: 'e', startTime: '2026-12-02T00:00:00Z', retryCount },
});

test('a successful call: one write, a valid EMF document with calls, latency, time to first byte and 2xx per template and method', async () => {
  await call('/slow');
  expect(written).toHaveLength(1);
  expect(emfProblems(written[0].trimEnd())).toEqual([]);
  const line = JSON.parse(written[0]);
  expect(line).toMatchObject({ template: 'get-order', method: 'GET', calls: 1, status2xx: 1 });
  expect(line.durationMs).toBeGreaterThanOrEqual(line.timeToFirstByteMs);
  expect(line.timeToFirstByteMs).toBeGreaterThanOrEqual(25);
  expect(line._aws.CloudWatchMetrics).toEqual([{
    Namespace: 'Orders/Api',
    Dimensions: [['template', 'method']],
    Metrics: [
      { Name: 'calls', Unit: 'Count' }, { Name: 'durationMs', Unit: 'Milliseconds' },
      { Name: 'timeToFirstByteMs', Unit: 'Milliseconds' }, { Name: 'status2xx', Unit: 'Count' },
    ],
  }]);
  expect(Math.abs(line._aws.Timestamp - Date.now())).toBeLessThan(5000);
  // Nothing secret rides along: the metrics are fields of the redacted line.
  expect(written[0]).not.toContain('sekrit');
});

test('a retried call answering 503: status class 5xx, retries, errors per template and per error name', async () => {
  await expect(call('/503', 2)).rejects.toMatchObject({ name: 'RetryableHttpError' });
  expect(written).toHaveLength(1);
  expect(emfProblems(written[0].trimEnd())).toEqual([]);
  const line = JSON.parse(written[0]);
  expect(line).toMatchObject({ status5xx: 1, errors: 1, retries: 1, error: 'RetryableHttpError', attempt: 3 });
  const [perTemplate, perError] = line._aws.CloudWatchMetrics;
  expect(perTemplate.Metrics.map((m: { Name: string }) => m.Name)).toEqual(['calls', 'durationMs', 'timeToFirstByteMs', 'status5xx', 'errors', 'retries']);
  expect(perError).toEqual({ Namespace: 'Orders/Api', Dimensions: [['template', 'method', 'error']], Metrics: [{ Name: 'errors', Unit: 'Count' }] });
});

test('a 404 (the workflow decides it failed): 4xx, no error', async () => {
  await call('/404');
  const line = JSON.parse(written[0]);
  expect(emfProblems(written[0].trimEnd())).toEqual([]);
  expect(line).toMatchObject({ status4xx: 1 });
  expect(line.errors).toBeUndefined();
});

test('a malformed event (no template known): counted in the namespace totals, still a valid document', async () => {
  await expect(handler({ template: 'nope' as unknown as object, params: {} })).rejects.toMatchObject({ name: 'InvalidTemplateError' });
  expect(emfProblems(written[0].trimEnd())).toEqual([]);
  expect(JSON.parse(written[0])._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
});

test('rate limit waits are counted with their time', () => {
  const fields = metricFields({ template: 't', method: 'GET', status: 200, durationMs: 120, attempt: 1, rateLimitWaitMs: 80 }, 'N', 1);
  expect(fields).toMatchObject({ rateLimitWaits: 1, rateLimitWaitMs: 80 });
  expect(emfProblems(JSON.stringify({ template: 't', method: 'GET', durationMs: 120, ...fields }))).toEqual([]);
});

test('without METRICS_NAMESPACE the line carries no metrics', async () => {
  delete process.env.METRICS_NAMESPACE;
  resetRendererConfig();
  try {
    await call('/200');
    expect(JSON.parse(written[0])._aws).toBeUndefined();
    expect(JSON.parse(written[0]).calls).toBeUndefined();
  } finally {
    process.env.METRICS_NAMESPACE = 'Orders/Api';
    resetRendererConfig();
  }
});

test('the specification checker refuses what CloudWatch would refuse (it can fail)', () => {
  expect(emfProblems('{"a":1}')).toEqual(['root node: must contain the _aws metadata object']);
  expect(emfProblems(JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['t']], Metrics: [{ Name: 'calls', Unit: 'Calls' }] }] }, t: 5 })))
    .toEqual([
      'MetricDirective 0: dimension t must reference a string member of 1 to 1024 characters on the root node',
      'MetricDirective 0: metric calls has an unknown Unit Calls',
      'MetricDirective 0: metric calls must reference a number (or an array of at most 100 numbers) on the root node',
    ]);
});
