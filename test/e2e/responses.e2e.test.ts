// Response features end to end, from the synthesized definition run locally: a response mapping,
// pagination in one execution, and Retry-After honoured by the workflow's Wait state (real waits,
// measured between the attempts the API saw).
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { localCaller, stateNames } from './harness';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { RetryPolicy } from '../../src';

/** A loopback API whose handler each test sets; it records when each request arrived. */
class LoopbackApi {
  public readonly seen: Array<{ path: string; at: number; headers: http.IncomingHttpHeaders }> = [];
  private readonly server = http.createServer((req, res) => {
    this.seen.push({ path: req.url ?? '', at: Date.now(), headers: req.headers });
    this.handle(req, res);
  });
  public handle: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_, res) => res.end();
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  gaps(): number[] {
    return this.seen.slice(1).map((request, i) => request.at - this.seen[i].at);
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

let api: LoopbackApi;
beforeAll(async () => {
  api = new LoopbackApi();
  await api.start();
});
afterAll(() => api.close());
beforeEach(() => api.seen.splice(0));

async function withTemplates(runner: LocalWorkflowRunner): Promise<LocalWorkflowRunner> {
  await runner.putItem({ PK: 'limited', SK: 'GET', url: `${api.origin}/limited`, headers: { 'X-Attempt': '{{ execution.attempt }}' } });
  await runner.putItem({
    PK: 'user',
    SK: 'GET',
    url: `${api.origin}/user`,
    response: '{"id": {{ response.body.data.id }}, "email": {{ response.body.data.profile.email | tojson }}}',
  });
  await runner.putItem({ PK: 'broken-mapping', SK: 'GET', url: `${api.origin}/user`, response: 'not json {{ response.status }}' });
  await runner.putItem({
    PK: 'pages',
    SK: 'GET',
    url: `${api.origin}/pages`,
    pagination: { items: '{{ response.body.items | tojson }}', next: "{{ (response.headers.link | link_header).next | default('') }}" },
  });
  return runner;
}

describe('response mapping and pagination', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => { runner = await withTemplates(await localCaller()); });
  afterAll(() => runner.close());

  test('a mapped response puts only the mapped JSON in the output, still in 4 state transitions', async () => {
    api.handle = (_, res) => json(res, 200, { data: { id: 42, profile: { email: 'a@example.com', bio: 'b'.repeat(5000) } } });
    const record = await runner.execute({ templateName: 'user', method: 'GET' });
    expect(record.status).toBe('SUCCEEDED');
    expect(record.stateTransitions).toBe(4);
    expect(record.output).toMatchObject({ response: { statusCode: 200, body: { id: 42, email: 'a@example.com' } } });
    expect(JSON.stringify(record.output)).not.toContain('bbbb');
  });

  test('a mapping that does not render JSON fails with ResponseMappingError, not retried', async () => {
    api.handle = (_, res) => json(res, 200, { data: {} });
    const record = await runner.execute({ templateName: 'broken-mapping', method: 'GET' });
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ResponseMappingError');
    expect(api.seen).toHaveLength(1);
  });

  test('a three-page API returns all items in one execution (Link header)', async () => {
    api.handle = (req, res) => {
      const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
      json(res, 200, { items: [`${page}a`, `${page}b`] }, page < 3 ? { link: `</pages?page=${page + 1}>; rel="next"` } : {});
    };
    const record = await runner.execute({ templateName: 'pages', method: 'GET' });
    expect(record.status).toBe('SUCCEEDED');
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'CheckStatus', 'Succeeded']);
    expect(record.output).toMatchObject({ response: { body: { items: ['1a', '1b', '2a', '2b', '3a', '3b'], pages: 3, truncated: false } } });
  });
});

describe('Retry-After', () => {
  let runner: LocalWorkflowRunner;
  // Real Wait states (waitMs undefined): the gaps between attempts are what is measured.
  beforeAll(async () => {
    const props = { retry: RetryPolicy.backoff({ maxAttempts: 2 }), maxRetryAfter: Duration.seconds(3) };
    runner = await withTemplates(await localCaller(props, { waitMs: undefined }));
  });
  afterAll(() => runner.close());

  test('a 429 with Retry-After: 2 delays the next attempt by at least 2 s; the attempt counts on', async () => {
    let calls = 0;
    api.handle = (_, res) => (++calls === 1 ? json(res, 429, {}, { 'retry-after': '2' }) : json(res, 200, { ok: true }));
    const record = await runner.execute({ templateName: 'limited', method: 'GET' });
    expect(record.status).toBe('SUCCEEDED');
    expect(stateNames(record)).toEqual(['FetchTemplate', 'CallApi', 'ReadRetryAfter', 'RecordRetryAfter', 'WaitRetryAfter', 'CallApi', 'CheckStatus', 'Succeeded']);
    expect(api.gaps()[0]).toBeGreaterThanOrEqual(2000);
    expect(api.seen.map((request) => request.headers['x-attempt'])).toEqual(['1', '2']);
    expect(record.output).toMatchObject({ retryAfter: { seconds: 2, attempt: 1 }, response: { statusCode: 200 } });
  });

  test('Retry-After as an HTTP date is honoured too', async () => {
    let calls = 0;
    api.handle = (_, res) => (++calls === 1 ? json(res, 503, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }) : json(res, 200, {}));
    const record = await runner.execute({ templateName: 'limited', method: 'GET' });
    expect(record.status).toBe('SUCCEEDED');
    expect(stateNames(record)).toContain('WaitRetryAfter');
    // The date has whole seconds: the wait is what remained of them, at least 1 s.
    expect(api.gaps()[0]).toBeGreaterThanOrEqual(1000);
  });

  test('a Retry-After beyond maxRetryAfter ends the call at once with ApiCallFailed', async () => {
    api.handle = (_, res) => json(res, 429, {}, { 'retry-after': '30' });
    const record = await runner.execute({ templateName: 'limited', method: 'GET' });
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ApiCallFailed');
    expect(record.cause).toContain('429');
    expect(api.seen).toHaveLength(1);
  });

  test('Retry-After rounds count against the retry budget: 3 attempts, then ApiCallFailed', async () => {
    api.handle = (_, res) => json(res, 429, {}, { 'retry-after': '1' });
    const record = await runner.execute({ templateName: 'limited', method: 'GET' });
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ApiCallFailed');
    expect(api.seen.map((request) => request.headers['x-attempt'])).toEqual(['1', '2', '3']);
    expect(api.gaps().every((gap) => gap >= 1000)).toBe(true);
  });
});

describe('large responses', () => {
  let runner: LocalWorkflowRunner;
  beforeAll(async () => {
    runner = await localCaller((stack) => ({ largeResponses: { bucket: new s3.Bucket(stack, 'Bodies'), keyPrefix: 'bodies/' } }));
    await runner.putItem({ PK: 'export', SK: 'GET', url: `${api.origin}/export` });
  });
  afterAll(() => runner.close());

  test('a 5 MiB response lands in the local S3 intact, with a pointer in the output', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    api.handle = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
    };
    const record = await runner.execute({ templateName: 'export', method: 'GET' }, { name: 'export-1' });
    expect(record.status).toBe('SUCCEEDED');
    expect(record.stateTransitions).toBe(4);
    const location = { bucket: 'bodies', key: 'bodies/export-1/1', size: bytes.length, contentType: 'application/octet-stream' };
    expect(record.output).toMatchObject({ response: { statusCode: 200, body: null, bodyLocation: { ...location, bucket: expect.stringMatching(/^bodies/) } } });
    const { bucket, key } = (record.output as { response: { bodyLocation: { bucket: string; key: string } } }).response.bodyLocation;
    const client = new S3Client({ endpoint: runner.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const stored = Buffer.from(await object.Body!.transformToByteArray());
      expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    } finally {
      client.destroy();
    }
  });

  test('a small JSON response stays in the output, bodyLocation null', async () => {
    api.handle = (_, res) => json(res, 200, { small: true });
    const record = await runner.execute({ templateName: 'export', method: 'GET' });
    expect(record.output).toMatchObject({ response: { body: { small: true }, bodyLocation: null } });
  });
});
