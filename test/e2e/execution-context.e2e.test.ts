// The execution context end to end, through the synthesized state machine: `execution.*` in
// templates, the attempt across a retry, idempotency keys, and the getItem result as AWS shapes it.
import { localCaller, ScriptedApi, stateNames } from './harness';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';

let api: ScriptedApi;
beforeAll(async () => { api = await ScriptedApi.start(); });
afterAll(() => api.close());

const CONTEXT_HEADER = '{{ execution.id }}|{{ execution.name }}|{{ execution.startTime }}|{{ execution.attempt }}';

describe('execution context in templates', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await localCaller();
    await runner.putItem({ PK: 'ctx', SK: 'GET', url: `${api.origin}/ctx/{{ id }}`, headers: { 'X-Context': CONTEXT_HEADER } });
    await runner.putItem({ PK: 'ctx-no-params', SK: 'GET', url: `${api.origin}/ctx-none`, headers: { 'X-Context': CONTEXT_HEADER } });
  });
  afterAll(() => runner.close());

  test('a 503 then 200: execution.attempt is 1 then 2 with the same execution.id, name and startTime', async () => {
    api.script('/ctx/r1', { status: 503 }, { status: 200, body: { ok: true } });
    const record = await runner.execute({ templateName: 'ctx', method: 'GET', params: { id: 'r1' } }, { name: 'retry-me' });
    expect(record.status).toBe('SUCCEEDED');
    const sent = api.requests.filter(r => r.path === '/ctx/r1').map(r => String(r.headers['x-context']).split('|'));
    expect(sent).toEqual([
      [record.executionArn, 'retry-me', record.startTime, '1'],
      [record.executionArn, 'retry-me', record.startTime, '2'],
    ]);
    expect(record.executionArn).toMatch(/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:retry-me$/);
    // The renderer's log lines record the real attempt.
    const attempts = record.logs.map(line => JSON.parse(line)).filter(l => l.message === 'api call').map(l => l.attempt);
    expect(attempts).toEqual([1, 2]);
  });

  test('the happy path stays at 4 state transitions, and an input without params works', async () => {
    api.script('/ctx-none', { status: 200 });
    const record = await runner.execute({ templateName: 'ctx-no-params', method: 'GET' });
    expect(record).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 4 });
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'CheckStatus', 'Succeeded']);
    expect(api.requests.at(-1)!.headers['x-context']).toBe(`${record.executionArn}|${record.name}|${record.startTime}|1`);
    // The output keeps the documented shape: the renderer's response, not the Invoke envelope.
    expect(Object.keys((record.output as any).response).sort()).toEqual(['body', 'headers', 'statusCode']);
    expect(record.output).not.toHaveProperty('execution');
  });

  test('params.execution is refused with InvalidTemplateError, nothing sent', async () => {
    const before = api.requests.length;
    const record = await runner.execute({ templateName: 'ctx', method: 'GET', params: { id: 'x', execution: { id: 'forged' } } });
    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidTemplateError', cause: expect.stringMatching(/params\.execution is reserved/) });
    expect(api.requests.length).toBe(before);
  });

  test('a missing template is TemplateNotFound although the getItem result carries the SDK metadata', async () => {
    const record = await runner.execute({ templateName: 'nope', method: 'get' });
    expect(record).toMatchObject({ status: 'FAILED', error: 'TemplateNotFound' });
    expect(JSON.parse(record.cause!).errorMessage).toBe('no template "nope" for method "get" (methods are upper case: GET): the GetItem result has no Item');
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'Failed']);
  });
});

describe('idempotencyKeyHeader', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await localCaller({ idempotencyKeyHeader: 'Idempotency-Key' });
    await runner.putItem({ PK: 'charge', SK: 'POST', url: `${api.origin}/charges/{{ id }}`, payload: '{}' });
    await runner.putItem({ PK: 'own-key', SK: 'POST', url: `${api.origin}/own`, headers: { 'Idempotency-Key': 'mine-{{ id }}' } });
  });
  afterAll(() => runner.close());

  test('the same key on every retry of an execution, another key for another execution', async () => {
    api.script('/charges/c1', { status: 500 }, { status: 500 }, { status: 201 });
    const first = await runner.execute({ templateName: 'charge', method: 'POST', params: { id: 'c1' } });
    api.script('/charges/c1', { status: 201 });
    const second = await runner.execute({ templateName: 'charge', method: 'POST', params: { id: 'c1' } });
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const keys = api.requests.filter(r => r.path === '/charges/c1').map(r => r.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(new Set(keys.slice(0, 3)).size).toBe(1);
    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('a template that sets the header keeps its own value', async () => {
    api.script('/own', { status: 200 });
    await runner.execute({ templateName: 'own-key', method: 'POST', params: { id: 7 } });
    expect(api.requests.at(-1)!.headers['idempotency-key']).toBe('mine-7');
  });
});
