// The synthesized state machine of TemplatedApiCaller, executed locally end to end: the real
// definition, getItem against dynalite, the renderer bundle calling a loopback API.
import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { localCaller, ScriptedApi, stateNames } from './harness';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { ApiTemplate, HttpMethod, RetryPolicy, StatusRange } from '../../src';

let api: ScriptedApi;
beforeAll(async () => { api = await ScriptedApi.start(); });
afterAll(() => api.close());

async function withTemplates(runner: LocalWorkflowRunner): Promise<LocalWorkflowRunner> {
  await runner.putItem({ PK: 'get-thing', SK: 'GET', url: `${api.origin}/things/{{ id }}`, headers: { 'X-Trace': '{{ trace | default("none") }}' } });
  await runner.putItem({ PK: 'create-thing', SK: 'POST', url: `${api.origin}/things`, payload: '{"name": {{ name | tojson }}}', headers: { 'Content-Type': 'application/json' } });
  await runner.putItem({ PK: 'ping', SK: 'GET', url: `${api.origin}/ping` });
  await runner.putItem({ PK: 'slow', SK: 'GET', url: `${api.origin}/slow`, timeoutMs: 100 });
  await runner.putItem({ PK: 'refused', SK: 'GET', url: 'http://127.0.0.1:1/nothing-listens-here' });
  return runner;
}

describe('defaults', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => { runner = await withTemplates(await localCaller()); });
  afterAll(() => runner.close());

  test('a 2xx succeeds in 4 state transitions with the response next to the input', async () => {
    api.script('/things/t-1', { status: 200, body: { id: 't-1', name: 'lamp' } });
    const input = { templateName: 'get-thing', method: 'GET', params: { id: 't-1', trace: 'abc' } };
    const record = await runner.execute(input);
    expect(record.status).toBe('SUCCEEDED');
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'CheckStatus', 'Succeeded']);
    expect(record.stateTransitions).toBe(4);
    expect(record.output).toMatchObject({ ...input, response: { statusCode: 200, body: { id: 't-1', name: 'lamp' }, headers: { 'content-type': 'application/json' } } });
    expect(api.requests.at(-1)).toMatchObject({ method: 'GET', path: '/things/t-1', headers: { 'x-trace': 'abc' } });
  });

  test('a POST sends the rendered payload', async () => {
    api.script('/things', { status: 201, body: { created: true } });
    const record = await runner.execute({ templateName: 'create-thing', method: 'POST', params: { name: 'say "hi"' } });
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ name: 'say "hi"' });
  });

  test('an input without params runs with no params', async () => {
    api.script('/ping', { status: 204 });
    const record = await runner.execute({ templateName: 'ping', method: 'GET' });
    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { response: { statusCode: 204 } } });
  });

  test('a status outside the range ends in ApiCallFailed with the status in the cause, not retried', async () => {
    api.script('/things/gone', { status: 404 });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'gone' } });
    expect(record).toMatchObject({ status: 'FAILED', error: 'ApiCallFailed', cause: expect.stringMatching(/status 404/) });
    expect(api.count('/things/gone')).toBe(1);
  });

  test('a 503 then 200 succeeds after one retry', async () => {
    api.script('/things/flaky', { status: 503 }, { status: 200, body: { ok: true } });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'flaky' } });
    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.filter(s => s.name === 'CallApi').map(s => s.error)).toEqual(['RetryableHttpError', undefined]);
    expect(api.count('/things/flaky')).toBe(2);
  });

  test('a status that stays retryable is retried 3 times (4 calls), then fails with RetryableHttpError', async () => {
    api.script('/things/down', { status: 500 });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'down' } });
    expect(record).toMatchObject({ status: 'FAILED', error: 'RetryableHttpError' });
    expect(api.count('/things/down')).toBe(4);
  });

  test('a call slower than the template timeout fails with ApiTimeoutError after the retries', async () => {
    api.script('/slow', { status: 200, delayMs: 1000 });
    const record = await runner.execute({ templateName: 'slow', method: 'GET' });
    expect(record).toMatchObject({ status: 'FAILED', error: 'ApiTimeoutError' });
    expect(api.count('/slow')).toBe(4);
  });

  test('a refused connection fails with ApiConnectionError after the retries', async () => {
    const record = await runner.execute({ templateName: 'refused', method: 'GET' });
    expect(record).toMatchObject({ status: 'FAILED', error: 'ApiConnectionError' });
    expect(record.states.filter(s => s.name === 'CallApi')).toHaveLength(4);
  });

  test('a missing template ends in TemplateNotFound, without a retry or an extra state', async () => {
    const record = await runner.execute({ templateName: 'nope', method: 'GET', params: {} });
    expect(record).toMatchObject({ status: 'FAILED', error: 'TemplateNotFound' });
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'Failed']);
  });

  test('a missing param ends in TemplateRenderError and nothing is sent', async () => {
    const before = api.requests.length;
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: {} });
    expect(record).toMatchObject({ status: 'FAILED', error: 'TemplateRenderError', cause: expect.stringMatching(/url: .*id.* is undefined/) });
    expect(api.requests.length).toBe(before);
  });

  test('an input without method cannot be looked up: States.Runtime (validateInput names it instead)', async () => {
    const record = await runner.execute({ templateName: 'ping', params: {} });
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  test('20 executions at once all get their own response', async () => {
    for (let i = 0; i < 20; i++) api.script(`/things/c${i}`, { status: 200, body: { n: i } });
    const records = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: `c${i}` } })));
    expect(records.map(r => (r.output as any).response.body.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 0; i < 20; i++) expect(api.count(`/things/c${i}`)).toBe(1);
  });
});

describe('private networks are refused unless allowed', () => {
  test('BlockedDestinationError, no request reaches the API, no retry', async () => {
    const runner = await withTemplates(await localCaller({ allowPrivateNetworks: false }));
    try {
      const before = api.requests.length;
      const record = await runner.execute({ templateName: 'ping', method: 'GET' });
      expect(record).toMatchObject({ status: 'FAILED', error: 'BlockedDestinationError' });
      expect(record.states.filter(s => s.name === 'CallApi')).toHaveLength(1);
      expect(api.requests.length).toBe(before);
    } finally {
      await runner.close();
    }
  });
});

describe('custom success range, retry policy and input validation', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await withTemplates(await localCaller({
      successStatus: StatusRange.between(200, 404),
      retry: RetryPolicy.backoff({ maxAttempts: 1, interval: Duration.seconds(5) }),
      validateInput: true,
    }));
  });
  afterAll(() => runner.close());

  test('a 404 inside the range succeeds', async () => {
    api.script('/things/missing', { status: 404 });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'missing' } });
    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { response: { statusCode: 404 } } });
  });

  test('maxAttempts 1: two calls, then the error', async () => {
    api.script('/things/busy', { status: 429 });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'busy' } });
    expect(record).toMatchObject({ status: 'FAILED', error: 'RetryableHttpError' });
    expect(api.count('/things/busy')).toBe(2);
  });

  test('validateInput names a missing method InvalidInput before any lookup', async () => {
    const record = await runner.execute({ templateName: 'ping' });
    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(stateNames(record)).not.toContain('FetchTemplate');
  });
});

describe('RetryPolicy.none() and StatusRange.of()', () => {
  test('one call only, and only the exact status succeeds', async () => {
    const runner = await withTemplates(await localCaller({ retry: RetryPolicy.none(), successStatus: StatusRange.of(201) }));
    try {
      api.script('/things/once', { status: 503 });
      expect(await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'once' } })).toMatchObject({ error: 'RetryableHttpError' });
      expect(api.count('/things/once')).toBe(1);
      api.script('/ping', { status: 200 });
      expect(await runner.execute({ templateName: 'ping', method: 'GET' })).toMatchObject({ status: 'FAILED', error: 'ApiCallFailed' });
    } finally {
      await runner.close();
    }
  });
});

describe('hooks: waitBeforeCall, beforeCall, parallelBranches, afterSuccess, onFailure', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await withTemplates(await localCaller(stack => ({
      waitBeforeCall: Duration.seconds(30),
      beforeCall: new sfn.Pass(stack, 'Annotate', { result: sfn.Result.fromObject({ by: 'beforeCall' }), resultPath: '$.annotation' }),
      parallelBranches: [new sfn.Pass(stack, 'Audit', { parameters: { 'audited.$': '$.templateName' } })],
      afterSuccess: new sfn.Pass(stack, 'Celebrate', { result: sfn.Result.fromString('yes'), resultPath: '$.celebrated' }),
      onFailure: new sfn.Pass(stack, 'Notify', { result: sfn.Result.fromString('sent'), resultPath: '$.notified' }),
    })));
  });
  afterAll(() => runner.close());

  test('on success every hook runs in order and leaves its result in the output', async () => {
    api.script('/things/h-1', { status: 200, body: { id: 'h-1' } });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'h-1' } });
    expect(record.status).toBe('SUCCEEDED');
    const names = stateNames(record);
    for (const [before, after] of [['FetchTemplate', 'WaitBeforeCall'], ['WaitBeforeCall', 'Annotate'], ['Annotate', 'CallApi'], ['CheckStatus', 'Celebrate'], ['Celebrate', 'Succeeded']]) {
      expect(names.indexOf(before)).toBeLessThan(names.indexOf(after));
    }
    expect(names).toEqual(expect.arrayContaining(['Audit']));
    expect(names).not.toContain('Notify');
    expect(record.output).toMatchObject({
      annotation: { by: 'beforeCall' },
      branches: [{ audited: 'get-thing' }],
      celebrated: 'yes',
      response: { statusCode: 200, body: { id: 'h-1' } },
    });
  });

  test('on failure onFailure runs before the execution fails with the original error', async () => {
    api.script('/things/h-2', { status: 400 });
    const record = await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'h-2' } });
    expect(record).toMatchObject({ status: 'FAILED', error: 'ApiCallFailed' });
    expect(stateNames(record).slice(-2)).toEqual(['Notify', 'Failed']);
  });
});

describe('EXPRESS', () => {
  test('the same workflow succeeds and fails the same way', async () => {
    const runner = await withTemplates(await localCaller({ stateMachineType: sfn.StateMachineType.EXPRESS }));
    try {
      api.script('/things/x-1', { status: 200, body: { express: true } });
      expect(await runner.execute({ templateName: 'get-thing', method: 'GET', params: { id: 'x-1' } }))
        .toMatchObject({ status: 'SUCCEEDED', stateTransitions: 4, output: { response: { body: { express: true } } } });
      expect(await runner.execute({ templateName: 'nope', method: 'GET' })).toMatchObject({ status: 'FAILED', error: 'TemplateNotFound' });
    } finally {
      await runner.close();
    }
  });
});

describe('templates as code and secrets', () => {
  const API_KEY = 'e2e-secret-key-93b1c7';
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await localCaller(stack => ({
      templates: [ApiTemplate.of({
        name: 'keyed',
        method: HttpMethod.GET,
        url: `${api.origin}/keyed/{{ id }}`,
        headers: { 'X-Api-Key': '{{ secrets.apiKey }}' },
      })],
      secrets: { apiKey: secretsmanager.Secret.fromSecretNameV2(stack, 'ApiKey', 'e2e/api-key') },
    }));
  });
  afterAll(() => runner.close());

  test('the stack\'s templates are seeded; a secret without a value is SecretUnavailableError and nothing is sent', async () => {
    api.script('/keyed/k-1', { status: 200, body: { ok: true } });
    const record = await runner.execute({ templateName: 'keyed', method: 'GET', params: { id: 'k-1' } });
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('SecretUnavailableError');
    expect(api.count('/keyed/k-1')).toBe(0);
  });

  test('with a value for the secret, the API receives it and no log line shows it', async () => {
    const keyed = await localCaller(stack => ({
      templates: [ApiTemplate.of({ name: 'keyed', method: HttpMethod.GET, url: `${api.origin}/keyed/{{ id }}`, headers: { 'X-Api-Key': '{{ secrets.apiKey }}' } })],
      secrets: { apiKey: secretsmanager.Secret.fromSecretNameV2(stack, 'ApiKey', 'e2e/api-key') },
    }), { secretValues: { apiKey: API_KEY } });
    try {
      api.script('/keyed/k-2', { status: 200, body: { ok: true } });
      const record = await keyed.execute({ templateName: 'keyed', method: 'GET', params: { id: 'k-2' } });
      expect(record.status).toBe('SUCCEEDED');
      expect(api.requests.at(-1)!.headers['x-api-key']).toBe(API_KEY);
      expect(record.logs.join('\n')).toMatch(/"X-Api-Key":"\[REDACTED\]"/);
      expect(JSON.stringify(record)).not.toContain(API_KEY);
    } finally {
      await keyed.close();
    }
  });

  test('a value for a secret no template can use is refused by name', async () => {
    await expect(localCaller({}, { secretValues: { apiKey: 'x' } })).rejects.toThrow(/secretValues\.apiKey: no function uses a secret named apiKey \(secrets: none\)/);
  });
});
