// Retry-After: how the renderer reads it (delta-seconds or an HTTP date) and decides between a
// workflow wait, the policy's backoff and letting the failure stand; and the RetryAfterWait it
// raises against a real 429 on 127.0.0.1.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { retryAfterDecision, retryAfterSeconds } from '../../lambda-src/renderer/response/retry-after';

const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('retryAfterSeconds', () => {
  test.each([
    ['120', 120],
    [' 0 ', 0],
    ['Wed, 02 Dec 2026 10:00:05 GMT', 5],
    ['Wednesday, 02-Dec-26 10:00:30 GMT', 30],
    ['Wed Dec  2 10:01:00 2026', 60],
    ['Wed, 02 Dec 2026 09:00:00 GMT', 0],
  ])('%j is %d s', (value, seconds) => {
    expect(retryAfterSeconds(value, NOW)).toBe(seconds);
  });

  test.each([undefined, '', '-1', '1.5', 'soon', '2026-12-02', '10 minutes'])('%j is not a Retry-After', (value) => {
    expect(retryAfterSeconds(value, NOW)).toBeUndefined();
  });
});

describe('retryAfterDecision', () => {
  const env = { RETRY_MAX_ATTEMPTS: '3', MAX_RETRY_AFTER_SECONDS: '60' };

  test('within the cap and the budget: wait', () => {
    expect(retryAfterDecision('2', 1, false, env)).toEqual({ kind: 'wait', seconds: 2 });
    expect(retryAfterDecision('60', 3, true, env)).toEqual({ kind: 'wait', seconds: 60 });
  });

  test('beyond the cap: the failure stands', () => {
    expect(retryAfterDecision('61', 1, false, env)).toEqual({ kind: 'stands' });
  });

  test('no Retry-After (or 0, or unreadable): the policy backs off', () => {
    expect(retryAfterDecision(undefined, 1, false, env)).toEqual({ kind: 'backoff' });
    expect(retryAfterDecision('0', 1, false, env)).toEqual({ kind: 'backoff' });
    expect(retryAfterDecision('later', 1, false, env)).toEqual({ kind: 'backoff' });
  });

  test('budget spent: after a Retry-After round the renderer ends it; otherwise Step Functions does', () => {
    expect(retryAfterDecision('2', 4, true, env)).toEqual({ kind: 'stands' });
    expect(retryAfterDecision('2', 4, false, env)).toEqual({ kind: 'backoff' });
  });

  test('the cap defaults to 60 s; without RETRY_MAX_ATTEMPTS (no workflow) nothing waits', () => {
    expect(retryAfterDecision('60', 1, false, { RETRY_MAX_ATTEMPTS: '3' })).toEqual({ kind: 'wait', seconds: 60 });
    expect(retryAfterDecision('61', 1, false, { RETRY_MAX_ATTEMPTS: '3' })).toEqual({ kind: 'stands' });
    expect(retryAfterDecision('2', 1, false, {})).toEqual({ kind: 'backoff' });
  });

  test('a bad setting is RendererConfigurationError', () => {
    expect(() => retryAfterDecision('2', 1, false, { RETRY_MAX_ATTEMPTS: 'x' })).toThrow(expect.objectContaining({ name: 'RendererConfigurationError' }));
  });
});

describe('the handler on a 429 with Retry-After', () => {
  let server: http.Server;
  let logs: CapturedLogs;
  let answer: (res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((_, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    Object.assign(process.env, { ALLOW_PRIVATE_NETWORKS: 'true', RETRY_MAX_ATTEMPTS: '3', MAX_RETRY_AFTER_SECONDS: '2000' });
    resetRendererConfig();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    for (const name of ['ALLOW_PRIVATE_NETWORKS', 'RETRY_MAX_ATTEMPTS', 'MAX_RETRY_AFTER_SECONDS']) delete process.env[name];
    resetRendererConfig();
    await closeHttpAgent();
  });

  const call = (extra: object = {}) => handler({
    template: { Item: marshall({ PK: 't', SK: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x` }) },
    params: {},
    execution: { id: 'arn:aws:states:eu-west-1:111122223333:execution:sm:e', name: 'e', startTime: '2026-12-02T10:00:00Z', retryCount: 0 },
    ...extra,
  });

  test('raises RetryAfterWait whose message the workflow splits: third word seconds, sixth attempt', async () => {
    answer = (res) => { res.writeHead(429, { 'retry-after': '7' }); res.end(); };
    const error = await call().catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'RetryAfterWait' });
    const words = (error as Error).message.split(' ');
    expect([words[2], words[5]]).toEqual(['7', '1']);
  });

  test('counts the attempts of earlier rounds (the workflow keeps them at retryAfter.attempt)', async () => {
    answer = (res) => { res.writeHead(503, { 'retry-after': '1' }); res.end(); };
    const error = await call({ retryAfter: { seconds: 1, attempt: 2 } }).catch((e: Error) => e);
    expect((error as Error).message.split(' ')[5]).toBe('3');
  });

  test('its message is never redacted: a secret param equal to a word of it leaves it intact', async () => {
    process.env.SECRET_PARAM_NAMES = 'token';
    resetRendererConfig();
    answer = (res) => { res.writeHead(429, { 'retry-after': '1234' }); res.end(); };
    try {
      const error = await handler({
        template: { Item: marshall({ PK: 't', SK: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x` }) },
        params: { token: '1234' },
        execution: { id: 'arn:aws:states:eu-west-1:111122223333:execution:sm:e', name: 'e', startTime: '2026-12-02T10:00:00Z', retryCount: 0 },
      }).catch((e: Error) => e);
      expect((error as Error).message).toBe('retry after 1234 s, attempt 1');
    } finally {
      delete process.env.SECRET_PARAM_NAMES;
    }
  });

  test('past the cap the response is returned as it is, for the status check to fail', async () => {
    answer = (res) => { res.writeHead(429, { 'retry-after': '2001', 'content-type': 'application/json' }); res.end('{"slow":"down"}'); };
    await expect(call()).resolves.toMatchObject({ statusCode: 429, body: { slow: 'down' } });
  });
});
