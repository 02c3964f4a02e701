// The execution context in the renderer: `execution` in templates, the attempt in the log line,
// `params.execution` refused, and the idempotency key header.
import { getItemOutput, type PlainItem } from './helpers/items';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, startHttpServer, type TestServer } from './helpers/servers';
import { executionContext, idempotencyKey, withIdempotencyKey } from '../../lambda-src/renderer/execution-context';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:Caller:order-42';
const execution = (retryCount: number, id = ARN) => ({ id, name: id.split(':').pop(), startTime: '2026-03-01T10:00:00.123Z', retryCount });

let logs: CapturedLogs;
let api: TestServer;

beforeAll(async () => {
  api = await startHttpServer(json(200, { ok: true }));
});
afterAll(async () => {
  await api.close();
  await closeHttpAgent();
});
beforeEach(() => {
  process.env.ALLOW_PRIVATE_NETWORKS = 'true';
  resetRendererConfig();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  delete process.env.ALLOW_PRIVATE_NETWORKS;
  delete process.env.IDEMPOTENCY_KEY_HEADER;
  resetRendererConfig();
});

function call(item: Omit<PlainItem, 'url'> & { url?: string }, event: object) {
  return handler({ template: getItemOutput({ url: `${api.url}/e`, ...item }), ...event });
}

test('templates see execution.id, name, startTime and attempt (retryCount + 1)', async () => {
  await call({ SK: 'GET', headers: { 'X-Run': '{{ execution.name }}|{{ execution.id }}|{{ execution.startTime }}|{{ execution.attempt }}' } },
    { params: {}, execution: execution(1) });
  expect(api.requests.at(-1)!.headers['x-run']).toBe(`order-42|${ARN}|2026-03-01T10:00:00.123Z|2`);
});

test('the log line records the attempt the workflow passes', async () => {
  await call({ SK: 'GET' }, { execution: execution(3) });
  expect(logs.lines).toEqual([expect.objectContaining({ attempt: 4 })]);
});

test('without an execution context (a direct invocation) templates that use it fail to render', async () => {
  await expect(call({ SK: 'GET', url: `${api.url}/{{ execution.id }}` }, { params: {} })).rejects.toMatchObject({ name: 'TemplateRenderError' });
});

test('params.execution is refused like params.secrets, before anything is sent', async () => {
  const before = api.requests.length;
  await expect(call({ SK: 'GET' }, { params: { execution: { id: 'forged' } }, execution: execution(0) }))
    .rejects.toMatchObject({ name: 'InvalidTemplateError', message: 'params.execution is reserved for the execution context' });
  expect(api.requests.length).toBe(before);
});

test.each([
  ['not an object', 'x', /event.execution must be an object/],
  ['without id', { name: 'n', startTime: 't' }, /event.execution.id must be a non-empty string/],
  ['a fractional retryCount', { id: 'a', name: 'n', startTime: 't', retryCount: 0.5 }, /retryCount must be a whole number/],
])('a malformed execution context (%s) is InvalidTemplateError', (_name, value, message) => {
  expect(() => executionContext({ execution: value })).toThrow(message);
});

describe('idempotency key', () => {
  beforeEach(() => { process.env.IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'; });

  test('every attempt of one execution sends the same key; another execution another key', async () => {
    await call({ SK: 'POST' }, { execution: execution(0) });
    await call({ SK: 'POST' }, { execution: execution(1) });
    await call({ SK: 'POST' }, { execution: execution(0, `${ARN}-2`) });
    const keys = api.requests.slice(-3).map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[0]).toBe(idempotencyKey(ARN));
  });

  test('a template that sets the header itself (any case) keeps its value', async () => {
    await call({ SK: 'POST', headers: { 'idempotency-key': 'order-{{ n }}' } }, { params: { n: 7 }, execution: execution(0) });
    expect(api.requests.at(-1)!.headers['idempotency-key']).toBe('order-7');
  });

  test('without an execution context there is no key to derive: InvalidTemplateError, nothing sent', async () => {
    const before = api.requests.length;
    await expect(call({ SK: 'POST' }, {})).rejects.toMatchObject({ name: 'InvalidTemplateError', message: expect.stringMatching(/no execution/) });
    expect(api.requests.length).toBe(before);
  });

  test('no header configured, no header added', () => {
    expect(withIdempotencyKey({ A: '1' }, executionContext({ execution: execution(0) }), {})).toEqual({ A: '1' });
  });
});
