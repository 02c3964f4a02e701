// The demo's large response: a 3 MiB CSV export, too large for a Step Functions state, streamed by
// the renderer to S3 (a real S3 API in-process, s3rver); the execution's output carries only where
// it is. The stored object is read back and compared with what the API sent. Returns the number
// of unexpected outcomes.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { executionReport } from '../cli-src/cli/execution-report';
import { LocalWorkflowRunner } from '../cli-src/local-runner';
import { ApiTemplate, HttpMethod, TemplatedApiCaller } from '../src';

const ROWS = 40_000;

export async function runLargeResponseDemo(): Promise<number> {
  const csv = Buffer.from(['id,customer,total', ...Array.from({ length: ROWS }, (_, i) => `ord-${i},customer-${i % 977},${(i * 7.31).toFixed(2)}`.padEnd(78, ' '))].join('\n'));
  const exports = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(csv));
  await new Promise<void>((resolve) => exports.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(exports.address() as AddressInfo).port}`;

  const stack = new cdk.Stack(new cdk.App(), 'LargeResponseExample');
  const caller = new TemplatedApiCaller(stack, 'ApiCaller', {
    allowPrivateNetworks: true, // the export API stand-in is on 127.0.0.1
    // Bodies over 200 KiB (or not text) go to this bucket instead of the execution's state.
    largeResponses: { bucket: new s3.Bucket(stack, 'Exports', { enforceSSL: true }), keyPrefix: 'exports/' },
    templates: [ApiTemplate.of({ name: 'export-orders', method: HttpMethod.GET, url: `${origin}/exports/orders.csv` })],
  });
  const runner = await LocalWorkflowRunner.fromConstruct(caller);
  let problems: string[] = [];
  try {
    const input = { templateName: 'export-orders', method: 'GET' };
    const record = await runner.execute(input, { name: 'export-2026-12-02' });
    type Output = { response?: { bodyLocation?: { bucket: string; key: string; size: number } } } | undefined;
    const location = (record.output as Output)?.response?.bodyLocation;
    console.log('▶ GET a 3 MiB CSV export: streamed to S3, only its location in the output');
    console.log(`  input  ${JSON.stringify(input)}`);
    console.log(executionReport(record)[0]);
    console.log(`  response bodyLocation: ${JSON.stringify(location)}`);
    let stored = Buffer.alloc(0);
    if (location !== undefined) {
      const client = new S3Client({ endpoint: runner.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const object = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      stored = Buffer.from(await object.Body!.transformToByteArray());
      client.destroy();
    }
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    console.log(`  the object in the local S3 (${runner.s3Endpoint}): ${stored.length} bytes, sha256 ${sha(stored)}…; the API sent ${csv.length} bytes, sha256 ${sha(csv)}…`);
    problems = [
      record.status !== 'SUCCEEDED' && `status ${record.status}, expected SUCCEEDED`,
      location?.key !== 'exports/export-2026-12-02/1' && `key ${location?.key}, expected exports/export-2026-12-02/1`,
      !stored.equals(csv) && 'the stored object differs from what the API sent',
    ].filter((problem): problem is string => typeof problem === 'string');
  } finally {
    await runner.close();
    exports.closeAllConnections();
    await new Promise<void>((resolve) => exports.close(() => resolve()));
  }
  console.log(problems.length === 0 ? '  ✔ as expected\n' : `  ✘ ${problems.join('; ')}\n`);
  return problems.length === 0 ? 0 : 1;
}
