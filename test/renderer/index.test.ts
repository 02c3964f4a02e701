// The handler against real HTTP servers on 127.0.0.1: methods, response kinds and every
// contract error the call can raise.
import { getItemOutput, type PlainItem } from './helpers/items';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, startHttpServer, type Respond, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';

let logs: CapturedLogs;
const servers: TestServer[] = [];

beforeEach(() => {
  process.env.ALLOW_PRIVATE_NETWORKS = 'true';
  resetRendererConfig();
  logs = captureLogs();
});

afterEach(async () => {
  logs.restore();
  delete process.env.ALLOW_PRIVATE_NETWORKS;
  delete process.env.RETRYABLE_STATUSES;
  delete process.env.MAX_RESPONSE_BYTES;
  delete process.env.SECRET_PARAM_NAMES;
  resetRendererConfig();
  await Promise.all(servers.splice(0).map((started) => started.close()));
  await closeHttpAgent();
});

async function server(respond: Respond): Promise<TestServer> {
  const started = await startHttpServer(respond);
  servers.push(started);
  return started;
}

function call(item: PlainItem, params: object = {}, extra: object = {}) {
  return handler({ template: getItemOutput(item), params, ...extra });
}

describe('rendering the request', () => {
  test('renders url, headers and payload with params and sends them', async () => {
    const api = await server(json(200, { ok: true }));
    const result = await call({
      SK: 'POST',
      url: `${api.url}/users/{{ userId }}?q={{ query | urlencode }}`,
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': '{{ requestId }}' },
      payload: '{"name": {{ name | tojson }}, "tags": {{ tags | tojson }}}',
    }, { userId: 42, query: 'a b&c', requestId: 'r-1', name: 'Zoë', tags: ['x'] });

    expect(result).toEqual({ statusCode: 200, headers: expect.objectContaining({ 'content-type': 'application/json' }), body: { ok: true } });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/users/42?q=a%20b%26c');
    expect(request.headers['x-request-id']).toBe('r-1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ name: 'Zoë', tags: ['x'] });
  });

  test.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('sends %s (a body only when the method has one)', async (method) => {
    const api = await server(json(200, { method: 'seen' }));
    const result = await call({ SK: method, url: `${api.url}/m`, payload: '{"a": 1}' });
    expect(api.requests[0].method).toBe(method);
    expect(api.requests[0].body).toBe(method === 'GET' || method === 'HEAD' ? '' : '{"a": 1}');
    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual(method === 'HEAD' ? '' : { method: 'seen' });
  });

  test('accepts a bare Item in AttributeValue form and a plain object', async () => {
    const api = await server(json(200, {}));
    await handler({ template: getItemOutput({ SK: 'GET', url: `${api.url}/a` }).Item, params: null });
    await handler({ template: { PK: 'plain', SK: 'GET', url: `${api.url}/b`, headers: { Accept: 'text/plain' } } });
    expect(api.requests.map((request) => request.url)).toEqual(['/a', '/b']);
    expect(api.requests[1].headers.accept).toBe('text/plain');
  });
});

describe('the response', () => {
  test('JSON content types are parsed, including +json', async () => {
    const api = await server(json(200, { a: [1] }, { 'content-type': 'application/problem+json; charset=utf-8' }));
    expect((await call({ SK: 'GET', url: api.url })).body).toEqual({ a: [1] });
  });

  test('text stays text, header names are lower case', async () => {
    const api = await server((_, response) => {
      response.writeHead(201, { 'Content-Type': 'text/plain', 'X-Custom': 'v' });
      response.end('{"not": "parsed"}');
    });
    const result = await call({ SK: 'POST', url: api.url });
    expect(result).toEqual({ statusCode: 201, headers: expect.objectContaining({ 'x-custom': 'v', 'content-type': 'text/plain' }), body: '{"not": "parsed"}' });
  });

  test('an empty body is the empty string, even with a JSON content type', async () => {
    const api = await server((_, response) => {
      response.writeHead(204, { 'content-type': 'application/json' });
      response.end();
    });
    expect(await call({ SK: 'DELETE', url: api.url })).toEqual(expect.objectContaining({ statusCode: 204, body: '' }));
  });

  test('redirects are returned, not followed', async () => {
    const api = await server((_, response) => {
      response.writeHead(302, { location: '/elsewhere' });
      response.end();
    });
    const result = await call({ SK: 'GET', url: `${api.url}/start` });
    expect(result.statusCode).toBe(302);
    expect(result.headers.location).toBe('/elsewhere');
    expect(api.requests.map((request) => request.url)).toEqual(['/start']);
  });

  test('non-retryable error statuses are returned for the workflow to judge', async () => {
    const api = await server(json(404, { error: 'nope' }));
    expect(await call({ SK: 'GET', url: api.url })).toEqual(expect.objectContaining({ statusCode: 404, body: { error: 'nope' } }));
  });
});

describe('contract errors', () => {
  test.each([429, 500, 502, 503, 504])('%i raises RetryableHttpError with the status and Retry-After', async (status) => {
    const api = await server(json(status, {}, { 'retry-after': '7' }));
    await expect(call({ SK: 'GET', url: api.url })).rejects.toMatchObject({ name: 'RetryableHttpError', statusCode: status, retryAfter: '7' });
  });

  test('RETRYABLE_STATUSES replaces the retryable list', async () => {
    process.env.RETRYABLE_STATUSES = '409';
    resetRendererConfig();
    const conflict = await server(json(409, {}));
    await expect(call({ SK: 'GET', url: conflict.url })).rejects.toMatchObject({ name: 'RetryableHttpError', statusCode: 409, retryAfter: undefined });
    const unavailable = await server(json(503, {}));
    expect((await call({ SK: 'GET', url: unavailable.url })).statusCode).toBe(503);
  });

  test('a missing item (GetItem output without Item) is TemplateNotFound', async () => {
    await expect(handler({ template: {}, params: {} })).rejects.toMatchObject({ name: 'TemplateNotFound' });
  });

  test.each([
    ['no template', { params: {} }, /event.template/],
    ['a non-object template', { template: 'x', params: {} }, /event.template/],
    ['params that are not an object', { template: { SK: 'GET', url: 'http://127.0.0.1/' }, params: [1] }, /event.params/],
    ['an unknown method', { template: { SK: 'FETCH', url: 'http://127.0.0.1/' } }, /attribute SK/],
    ['a url that is not http(s) after rendering', { template: { SK: 'GET', url: 'file:///etc/{{ f }}' }, params: { f: 'passwd' } }, /http or https/],
    ['a url that is not a URL', { template: { SK: 'GET', url: '{{ host }}/x' }, params: { host: 'nohost' } }, /not a valid absolute URL/],
    ['a header rendered with a line break', { template: { SK: 'GET', url: 'http://127.0.0.1/', headers: { 'X-A': '{{ v }}' } }, params: { v: 'a\r\nInjected: 1' } }, /header X-A/],
  ])('%s is InvalidTemplateError', async (_, event, message) => {
    await expect(handler(event as never)).rejects.toMatchObject({ name: 'InvalidTemplateError', message: expect.stringMatching(message) });
  });

  test('an undefined variable is TemplateRenderError naming the variable and the part', async () => {
    await expect(call({ SK: 'GET', url: 'http://127.0.0.1/', headers: { Authorization: 'Bearer {{ token }}' } }))
      .rejects.toMatchObject({ name: 'TemplateRenderError', message: expect.stringMatching(/header Authorization: 'token' is undefined/) });
    await expect(call({ SK: 'POST', url: 'http://127.0.0.1/', payload: '{{ user.id }}' }, { user: {} }))
      .rejects.toMatchObject({ name: 'TemplateRenderError', message: expect.stringMatching(/payload: 'user.id' is undefined/) });
  });

  test('a call that takes longer than timeoutMs is ApiTimeoutError', async () => {
    const api = await server(() => { /* never answers */ });
    const started = Date.now();
    await expect(call({ SK: 'GET', url: api.url, timeoutMs: 200 })).rejects.toMatchObject({ name: 'ApiTimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('the timeout is bounded by the remaining Lambda time', async () => {
    const api = await server(() => { /* never answers */ });
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => 700 };
    await expect(handler({ template: { SK: 'GET', url: api.url }, params: {} }, context)).rejects.toMatchObject({ name: 'ApiTimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(handler({ template: { SK: 'GET', url: api.url }, params: {} }, { getRemainingTimeInMillis: () => 100 }))
      .rejects.toMatchObject({ name: 'ApiTimeoutError', message: expect.stringMatching(/no time left/) });
  });

  test('a body that stalls midway times out too', async () => {
    const api = await server((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    await expect(call({ SK: 'GET', url: api.url, timeoutMs: 200 })).rejects.toMatchObject({ name: 'ApiTimeoutError' });
  });

  test('a response larger than MAX_RESPONSE_BYTES is refused while streaming', async () => {
    process.env.MAX_RESPONSE_BYTES = '1024';
    resetRendererConfig();
    let written = 0;
    let closed = false;
    const api = await server((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no length to check up front
      const chunk = 'x'.repeat(512);
      const timer = setInterval(() => {
        written += chunk.length;
        response.write(chunk);
        if (written > 10 * 1024 * 1024) clearInterval(timer); // bound the loop
      }, 1);
      response.on('close', () => { closed = true; clearInterval(timer); });
    });
    await expect(call({ SK: 'GET', url: api.url })).rejects.toMatchObject({ name: 'ResponseTooLargeError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
    expect(written).toBeLessThan(1024 * 1024);
  });

  test('a declared Content-Length over the cap is refused before the body arrives', async () => {
    process.env.MAX_RESPONSE_BYTES = '100';
    resetRendererConfig();
    const api = await server((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      response.flushHeaders();
    });
    await expect(call({ SK: 'GET', url: api.url, timeoutMs: 2000 })).rejects.toMatchObject({ name: 'ResponseTooLargeError' });
  });

  test('a response at the cap is accepted', async () => {
    process.env.MAX_RESPONSE_BYTES = '100';
    resetRendererConfig();
    const api = await server((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('y'.repeat(100));
    });
    expect((await call({ SK: 'GET', url: api.url })).body).toBe('y'.repeat(100));
  });

  test('connection refused is ApiConnectionError', async () => {
    const api = await server(json(200, {}));
    await api.close();
    await expect(call({ SK: 'GET', url: api.url })).rejects.toMatchObject({ name: 'ApiConnectionError', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  test('a connection reset mid-response is ApiConnectionError', async () => {
    const api = await server((_, response) => {
      response.socket?.destroy();
    });
    await expect(call({ SK: 'GET', url: api.url })).rejects.toMatchObject({ name: 'ApiConnectionError' });
  });

  test('a DNS failure is ApiConnectionError', async () => {
    await expect(call({ SK: 'GET', url: 'http://does-not-exist.invalid/' })).rejects.toMatchObject({ name: 'ApiConnectionError' });
  });
});

describe('connections', () => {
  test('one keep-alive connection serves consecutive invocations', async () => {
    const api = await server(json(200, {}));
    // Lambda invocations are apart in time; back to back in one tick, undici may open a second
    // connection because it frees the first one a moment after the response completes.
    for (let index = 0; index < 5; index++) {
      await call({ SK: 'GET', url: api.url });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(api.requests).toHaveLength(5);
    expect(api.connections()).toBe(1);
  });
});

describe('logs', () => {
  test('one JSON line per call, without params, bodies or secrets', async () => {
    process.env.SECRET_PARAM_NAMES = 'apiToken';
    resetRendererConfig();
    const api = await server((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc', 'x-echo': 'tok-SECRET-123' });
      response.end('{"private": "response body"}');
    });
    await handler({
      template: getItemOutput({
        PK: 'orders',
        SK: 'POST',
        url: `${api.url}/orders/{{ orderId }}`,
        headers: { 'Authorization': 'Bearer {{ apiToken }}', 'X-Api-Key': 'literal-key', 'Accept': 'application/json', 'X-Order': '{{ orderId }}' },
        payload: '{"card": "{{ card }}"}',
      }),
      params: { orderId: 'order-777', apiToken: 'tok-SECRET-123', card: '4111-1111' },
      execution: { id: 'arn:aws:states:eu-west-1:1:execution:sm:e1', name: 'e1', startTime: '2026-01-01T00:00:00.000Z', retryCount: 2 },
    });
    expect(logs.lines).toHaveLength(1);
    const [line] = logs.lines;
    expect(line).toEqual(expect.objectContaining({
      template: 'orders', method: 'POST', host: api.url.replace('http://', ''), status: 200, attempt: 3, durationMs: expect.any(Number),
    }));
    expect(line.requestHeaders).toEqual({ 'Authorization': '[REDACTED]', 'X-Api-Key': '[REDACTED]', 'Accept': 'application/json', 'X-Order': '[TEMPLATED]' });
    expect(line.responseHeaders).toEqual(expect.objectContaining({ 'set-cookie': '[REDACTED]', 'x-echo': '[REDACTED]' }));
    const text = JSON.stringify(line);
    for (const leaked of ['order-777', 'tok-SECRET-123', '4111', 'response body', 'sid=abc', 'literal-key']) {
      expect(text).not.toContain(leaked);
    }
  });

  test('failures are logged with the error name', async () => {
    await expect(call({ SK: 'GET', url: 'http://127.0.0.1/{{ nope }}' })).rejects.toThrow();
    expect(logs.lines).toEqual([expect.objectContaining({ level: 'ERROR', error: 'TemplateRenderError', template: 'test-template', attempt: 1 })]);
  });
});
