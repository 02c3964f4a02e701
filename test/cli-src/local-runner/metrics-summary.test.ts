import { formatCallSummary, summarizeCalls } from '../../../cli-src/local-runner/metrics-summary';

test('the renderer\'s log lines summed per template and method: calls, status classes, errors by name, retries, waits, latency', () => {
  const line = (fields: object) => JSON.stringify({ level: 'INFO', message: 'api call', ...fields });
  const summaries = summarizeCalls([
    line({ template: 'a', method: 'GET', status: 200, durationMs: 10, attempt: 1 }),
    line({ template: 'a', method: 'GET', status: 503, durationMs: 30, attempt: 1, error: 'RetryableHttpError' }),
    line({ template: 'a', method: 'GET', status: 200, durationMs: 20, attempt: 2, rateLimitWaitMs: 150 }),
    `2026-12-02T00:00:00Z\t${line({ template: 'b', method: 'POST', durationMs: 5, attempt: 1, error: 'TemplateRenderError' })}`,
    'not json',
    JSON.stringify({ message: 'something else' }),
  ]);
  expect(summaries).toEqual([
    { template: 'a', method: 'GET', calls: 3, statusClasses: { '2xx': 2, '5xx': 1 }, errors: { RetryableHttpError: 1 }, retries: 1, rateLimitWaits: 1, latencyP50Ms: 20, latencyP99Ms: 30 },
    { template: 'b', method: 'POST', calls: 1, statusClasses: {}, errors: { TemplateRenderError: 1 }, retries: 0, rateLimitWaits: 0, latencyP50Ms: 5, latencyP99Ms: 5 },
  ]);
  expect(formatCallSummary(summaries)).toMatch(/a GET\s+calls\s+3 {2}2xx 2, 5xx 1 {2}errors: RetryableHttpError 1 {2}retries 1 {2}rate-limit waits 1 {2}latency p50 20.0 ms, p99 30.0 ms/);
  expect(formatCallSummary([])).toBe('metrics: no API calls');
});
