// Large responses offloaded to S3, against a real S3 API in-process (s3rver) and loopback APIs:
// the stored bytes are compared with what the API sent, read back through the S3 API.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { PART_BYTES, resetS3Client } from '../../lambda-src/renderer/response/s3-body-sink';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

const BUCKET = 'large-responses';
let s3rver: { close(): Promise<void> };
let endpoint: string;
let s3: S3Client;
let dir: string;
let api: http.Server;
let body: { bytes: Buffer; contentType: string; chunk: number };
let logs: CapturedLogs;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run() as AddressInfo;
  s3rver = server;
  endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  api = http.createServer((_, res) => {
    // Streamed in chunks, without a Content-Length: the size is only known at the end.
    res.writeHead(200, { 'content-type': body.contentType });
    let at = 0;
    const next = () => {
      while (at < body.bytes.length) {
        const more = res.write(body.bytes.subarray(at, at += body.chunk));
        if (!more) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  s3.destroy();
  api.closeAllConnections();
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await s3rver.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ENV = {
  ALLOW_PRIVATE_NETWORKS: 'true',
  LARGE_RESPONSE_BUCKET: BUCKET,
  LARGE_RESPONSE_KEY_PREFIX: 'responses/',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
};

beforeEach(() => {
  Object.assign(process.env, ENV, { AWS_ENDPOINT_URL_S3: endpoint });
  resetRendererConfig();
  resetS3Client();
  logs = captureLogs();
});

afterEach(async () => {
  logs.restore();
  for (const name of [...Object.keys(ENV), 'AWS_ENDPOINT_URL_S3', 'LARGE_RESPONSE_THRESHOLD_BYTES', 'MAX_OFFLOADED_RESPONSE_BYTES']) delete process.env[name];
  resetRendererConfig();
  resetS3Client();
  await closeHttpAgent();
});

const EXECUTION = { id: 'arn:aws:states:us-east-1:111122223333:execution:sm:run-7', name: 'run-7', startTime: '2026-12-02T10:00:00Z', retryCount: 1 };

function call(item: Record<string, unknown> = {}) {
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/export`;
  return handler({ template: { Item: marshall({ PK: 'export', SK: 'GET', url, ...item }) }, params: {}, execution: EXECUTION });
}

async function stored(key: string): Promise<{ bytes: Buffer; contentType?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a 5 MiB JSON response lands in S3 byte for byte; the output carries only the pointer', async () => {
  body = { bytes: Buffer.from(JSON.stringify({ rows: Array.from({ length: 60_000 }, (_, i) => ({ i, v: `value-${i}`.padEnd(70, '.') })) }).slice(0, 5 * 1024 * 1024)), contentType: 'application/json', chunk: 64 * 1024 };
  expect(body.bytes.length).toBe(5 * 1024 * 1024);
  const result = await call() as unknown as Record<string, unknown>;
  expect(result).toEqual({
    statusCode: 200,
    headers: expect.objectContaining({ 'content-type': 'application/json' }),
    body: null,
    bodyLocation: { bucket: BUCKET, key: 'responses/run-7/2', size: body.bytes.length, contentType: 'application/json' },
  });
  const object = await stored('responses/run-7/2');
  expect(object.bytes.length).toBe(body.bytes.length);
  expect(sha256(object.bytes)).toBe(sha256(body.bytes));
  expect(object.contentType).toBe('application/json');
});

test(`a body larger than a part (${PART_BYTES / 1024 / 1024} MiB) goes up in parts, byte for byte, none left open`, async () => {
  body = { bytes: randomBytes(2 * PART_BYTES + 12345), contentType: 'application/octet-stream', chunk: 256 * 1024 };
  const result = await call() as unknown as { bodyLocation: { key: string; size: number } };
  expect(result.bodyLocation.size).toBe(body.bytes.length);
  expect(sha256((await stored(result.bodyLocation.key)).bytes)).toBe(sha256(body.bytes));
});

test('a binary body goes to S3 whatever its size', async () => {
  body = { bytes: randomBytes(1000), contentType: 'image/png', chunk: 1000 };
  const result = await call() as unknown as { body: unknown; bodyLocation: { key: string; contentType: string } };
  expect(result.body).toBeNull();
  expect(result.bodyLocation.contentType).toBe('image/png');
  expect((await stored(result.bodyLocation.key)).bytes.equals(body.bytes)).toBe(true);
});

test('a text body under the threshold stays in the output, bodyLocation null', async () => {
  body = { bytes: Buffer.from('{"small":true}'), contentType: 'application/json', chunk: 100 };
  await expect(call()).resolves.toEqual({ statusCode: 200, headers: expect.any(Object), body: { small: true }, bodyLocation: null });
});

test('the threshold is the environment\'s: one byte over it goes to S3', async () => {
  process.env.LARGE_RESPONSE_THRESHOLD_BYTES = '1000';
  body = { bytes: Buffer.alloc(1001, 'a'), contentType: 'text/plain', chunk: 300 };
  const result = await call() as unknown as { bodyLocation: { size: number } };
  expect(result.bodyLocation.size).toBe(1001);
});

test('the cap of offloaded bodies holds while streaming: ResponseTooLargeError', async () => {
  process.env.MAX_OFFLOADED_RESPONSE_BYTES = String(1024 * 1024);
  body = { bytes: Buffer.alloc(3 * 1024 * 1024, 'x'), contentType: 'text/csv', chunk: 64 * 1024 };
  await expect(call()).rejects.toMatchObject({ name: 'ResponseTooLargeError', message: expect.stringContaining(String(1024 * 1024)) });
});

test('a template with a response mapping keeps its body in memory (the mapping reads it)', async () => {
  body = { bytes: Buffer.from(JSON.stringify({ id: 1, pad: 'p'.repeat(300 * 1024) })), contentType: 'application/json', chunk: 64 * 1024 };
  process.env.MAX_RESPONSE_BYTES = String(1024 * 1024);
  resetRendererConfig();
  try {
    await expect(call({ response: '{"id": {{ response.body.id }}}' })).resolves.toMatchObject({ body: { id: 1 }, bodyLocation: null });
  } finally {
    delete process.env.MAX_RESPONSE_BYTES;
  }
});
