// Response mapping, pagination (cursor, next URL in the body, Link header) and the link_header
// filter, against real HTTP servers on 127.0.0.1.
import { marshall } from '@aws-sdk/util-dynamodb';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, startHttpServer, type Respond, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { linkHeader } from '../../lambda-src/renderer/response/link-header';

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

function call(item: Record<string, unknown>, params: object = {}, extra: object = {}) {
  return handler({ template: { Item: marshall({ PK: 'test-template', SK: 'GET', ...item }, { removeUndefinedValues: true }) }, params, ...extra });
}

const EXECUTION = { id: 'arn:aws:states:eu-west-1:111122223333:execution:sm:run-1', name: 'run-1', startTime: '2026-12-02T00:00:00Z', retryCount: 0 };

describe('response mapping', () => {
  test('only what the mapping renders replaces the body; it sees status, headers, body, params and execution', async () => {
    const api = await server(json(200, { data: { user: { id: 7, name: 'Zoë', secretish: 'x'.repeat(1000) } } }, { 'x-request-id': 'r-9' }));
    const result = await call({
      url: `${api.url}/users/7`,
      response: '{"id": {{ response.body.data.user.id }}, "name": {{ response.body.data.user.name | tojson }}, '
        + '"status": {{ response.status }}, "requestId": {{ response.headers["x-request-id"] | tojson }}, '
        + '"tenant": {{ tenant | tojson }}, "run": {{ execution.name | tojson }}}',
    }, { tenant: 't-1' }, { execution: EXECUTION });
    expect(result.body).toEqual({ id: 7, name: 'Zoë', status: 200, requestId: 'r-9', tenant: 't-1', run: 'run-1' });
    expect(JSON.stringify(result)).not.toContain('xxxx');
  });

  test('a mapping that does not render JSON is ResponseMappingError, without quoting the output', async () => {
    const api = await server(json(200, { token: 'api-echo' }));
    await expect(call({ url: api.url, response: 'id={{ response.body.token }}' }))
      .rejects.toMatchObject({ name: 'ResponseMappingError', message: expect.not.stringContaining('api-echo') });
  });

  test('a mapping that fails to render (undefined variable) is ResponseMappingError naming the part', async () => {
    const api = await server(json(200, { a: 1 }));
    await expect(call({ url: api.url, response: '{{ response.body.missing.deeper }}' }))
      .rejects.toMatchObject({ name: 'ResponseMappingError', message: expect.stringMatching(/^response: /) });
  });

  test('a response outside 2xx is not mapped: the status check sees it as it came', async () => {
    const api = await server(json(404, { error: 'nope' }));
    const result = await call({ url: api.url, response: '{"never": true}' });
    expect(result).toMatchObject({ statusCode: 404, body: { error: 'nope' } });
  });

  test('the mapped output passes through redaction: a secret param echoed back is redacted', async () => {
    process.env.SECRET_PARAM_NAMES = 'apiKey';
    resetRendererConfig();
    const api = await server(json(200, { echoed: 'sk-live-123456' }));
    const result = await call({ url: api.url, response: '{"echo": {{ response.body.echoed | tojson }}}' }, { apiKey: 'sk-live-123456' });
    expect(JSON.stringify(result.body)).not.toContain('sk-live-123456');
  });
});

describe('pagination', () => {
  const pageOf = (page: number) => ({ data: [`item-${page}a`, `item-${page}b`] });

  test('cursor in the body: three pages, all items in one invocation', async () => {
    const api = await server((request, response) => {
      const cursor = new URL(request.url, 'http://x').searchParams.get('cursor');
      const page = cursor === null ? 1 : Number(cursor);
      json(200, { ...pageOf(page), nextCursor: page < 3 ? String(page + 1) : null })(request, response);
    });
    const result = await call({
      url: `${api.url}/items?limit=2`,
      headers: { 'X-Tenant': '{{ tenant }}' },
      pagination: {
        items: '{{ response.body.data | tojson }}',
        next: '{% if response.body.nextCursor %}/items?limit=2&cursor={{ response.body.nextCursor }}{% endif %}',
      },
    }, { tenant: 'acme' });
    expect(result.body).toEqual({ items: ['item-1a', 'item-1b', 'item-2a', 'item-2b', 'item-3a', 'item-3b'], pages: 3, truncated: false });
    expect(api.requests.map((r) => r.url)).toEqual(['/items?limit=2', '/items?limit=2&cursor=2', '/items?limit=2&cursor=3']);
    // Every page carries the same rendered headers.
    expect(api.requests.map((r) => r.headers['x-tenant'])).toEqual(['acme', 'acme', 'acme']);
  });

  test('next URL in the body (absolute)', async () => {
    let base = '';
    const api = await server((request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? '1');
      json(200, { results: pageOf(page).data, next: page < 3 ? `${base}/list?page=${page + 1}` : null })(request, response);
    });
    base = api.url;
    const result = await call({
      url: `${api.url}/list`,
      pagination: { items: '{{ response.body.results | tojson }}', next: '{{ response.body.next or "" }}' },
    });
    expect(result.body).toMatchObject({ pages: 3, truncated: false, items: expect.arrayContaining(['item-3b']) });
    expect((result.body as { items: unknown[] }).items).toHaveLength(6);
  });

  test('Link header (RFC 8288) with the link_header filter', async () => {
    const api = await server((request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? '1');
      const links = [`</repos?page=${page}>; rel="self"`, ...(page < 3 ? [`</repos?page=${page + 1}>; rel="next"`] : []), '</repos?page=3>; rel="last"'];
      json(200, pageOf(page).data, { link: links.join(', ') })(request, response);
    });
    const result = await call({
      url: `${api.url}/repos`,
      pagination: { items: '{{ response.body | tojson }}', next: "{{ (response.headers.link | link_header).next | default('') }}" },
    });
    expect(result.body).toEqual({ items: ['item-1a', 'item-1b', 'item-2a', 'item-2b', 'item-3a', 'item-3b'], pages: 3, truncated: false });
  });

  test('Link header absent on the last page ends it', async () => {
    const api = await server((request, response) => {
      if (request.url === '/repos') return json(200, [1], { link: '</repos?page=2>; rel="next"' })(request, response);
      return json(200, [2])(request, response);
    });
    const result = await call({
      url: `${api.url}/repos`,
      pagination: { items: '{{ response.body | tojson }}', next: "{{ (response.headers.link | link_header).next | default('') }}" },
    });
    expect(result.body).toEqual({ items: [1, 2], pages: 2, truncated: false });
  });

  test('maxPages stops it and says truncated', async () => {
    const api = await server((request, response) => json(200, { data: [request.url] })(request, response));
    const result = await call({
      url: `${api.url}/p`,
      pagination: { items: '{{ response.body.data | tojson }}', next: '/p', maxPages: 2 },
    });
    expect(result.body).toEqual({ items: ['/p', '/p'], pages: 2, truncated: true });
    expect(api.requests).toHaveLength(2);
  });

  test('without maxPages, 10 pages at most', async () => {
    const api = await server(json(200, { data: [1] }));
    const result = await call({ url: `${api.url}/p`, pagination: { items: '{{ response.body.data | tojson }}', next: '/p' } });
    expect(result.body).toEqual({ items: Array(10).fill(1), pages: 10, truncated: true });
  });

  test('a page failing mid-way: a non-retryable status is returned as the response (the status check fails the call)', async () => {
    const api = await server((request, response) => {
      if (request.url === '/p?page=2') return json(404, { error: 'gone' })(request, response);
      return json(200, { data: [1] })(request, response);
    });
    const result = await call({ url: `${api.url}/p`, pagination: { items: '{{ response.body.data | tojson }}', next: '/p?page=2' } });
    expect(result).toMatchObject({ statusCode: 404, body: { error: 'gone' } });
  });

  test('a page failing mid-way with a retryable status raises RetryableHttpError (the whole call is retried)', async () => {
    const api = await server((request, response) => {
      if (request.url === '/p?page=2') return json(503, {})(request, response);
      return json(200, { data: [1] })(request, response);
    });
    await expect(call({ url: `${api.url}/p`, pagination: { items: '{{ response.body.data | tojson }}', next: '/p?page=2' } }))
      .rejects.toMatchObject({ name: 'RetryableHttpError' });
  });

  test('items that are not a JSON array are ResponseMappingError', async () => {
    const api = await server(json(200, { data: { not: 'a list' } }));
    await expect(call({ url: api.url, pagination: { items: '{{ response.body.data | tojson }}', next: '{{ "" }}' } }))
      .rejects.toMatchObject({ name: 'ResponseMappingError', message: expect.stringContaining('pagination.items') });
  });

  test('the size cap holds for all pages together', async () => {
    process.env.MAX_RESPONSE_BYTES = '250';
    resetRendererConfig();
    const api = await server(json(200, { data: ['x'.repeat(100)] }));
    await expect(call({ url: `${api.url}/p`, pagination: { items: '{{ response.body.data | tojson }}', next: '/p' } }))
      .rejects.toMatchObject({ name: 'ResponseTooLargeError', message: expect.stringContaining('250') });
  });

  test('a next page on a blocked destination is refused by the guard', async () => {
    const api = await server(json(200, { data: [1] }));
    process.env.ALLOWED_HOSTS = '127.0.0.1';
    resetRendererConfig();
    try {
      await expect(call({ url: `${api.url}/p`, pagination: { items: '{{ response.body.data | tojson }}', next: 'http://localhost:1/p' } }))
        .rejects.toMatchObject({ name: 'BlockedDestinationError' });
    } finally {
      delete process.env.ALLOWED_HOSTS;
    }
  });

  test('pagination then mapping: the mapping sees { items, pages, truncated }', async () => {
    const api = await server(json(200, { data: [1, 2] }));
    const result = await call({
      url: api.url,
      pagination: { items: '{{ response.body.data | tojson }}', next: '{{ "" }}' },
      response: '{"count": {{ response.body.items | length }}}',
    });
    expect(result.body).toEqual({ count: 2 });
  });
});

describe('link_header', () => {
  test('parses relations, quoted and unquoted, several per link, first wins', () => {
    expect(linkHeader('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel=last, <https://a/y>; rel="next"; title="a, b"'))
      .toEqual({ next: 'https://a/x?page=2', last: 'https://a/x?page=9' });
    expect(linkHeader('</p/1>; rel="prev first"')).toEqual({ prev: '/p/1', first: '/p/1' });
    expect(linkHeader('<https://a/z>; title="x, y"; rel="next"')).toEqual({ next: 'https://a/z' });
  });

  test('absent or empty gives an empty dict; __proto__ is data', () => {
    expect(linkHeader(undefined)).toEqual({});
    expect(linkHeader('')).toEqual({});
    const links = linkHeader('</x>; rel="__proto__"');
    expect(Object.getPrototypeOf(links)).toBe(Object.prototype);
    expect(Object.keys(links)).toEqual(['__proto__']);
  });
});
