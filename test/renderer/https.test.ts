// HTTPS against a loopback server with a self-signed certificate made at test time. The trusted
// case runs the esbuild bundle in a child process with NODE_EXTRA_CA_CERTS (read only at process
// start), which also proves the bundle works on its own.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, selfSignedCertificate, startHttpsServer, type Certificate, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';

let certificate: Certificate;
let api: TestServer;
let logs: CapturedLogs;

beforeAll(async () => {
  certificate = selfSignedCertificate();
  api = await startHttpsServer(json(200, { secure: true }), certificate);
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  process.env.ALLOW_PRIVATE_NETWORKS = 'true';
  resetRendererConfig();
  logs = captureLogs();
});

afterEach(async () => {
  logs.restore();
  delete process.env.ALLOW_PRIVATE_NETWORKS;
  resetRendererConfig();
  await closeHttpAgent();
});

test('an untrusted certificate is ApiConnectionError', async () => {
  await expect(handler({ template: { SK: 'GET', url: `${api.url}/` }, params: {} }))
    .rejects.toMatchObject({ name: 'ApiConnectionError', message: expect.stringMatching(/SELF_SIGNED|CERT/) });
});

test('a trusted certificate: the bundled handler calls over HTTPS', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'renderer-bundle-'));
  const bundle = join(outdir, 'index.js');
  buildSync({
    entryPoints: [join(__dirname, '../../lambda-src/renderer/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    external: ['chokidar', 'fsevents'],
    outfile: bundle,
    logLevel: 'silent',
  });
  const script = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify({
    template: { Item: { PK: { S: 't' }, SK: { S: 'POST' }, url: { S: `${api.url}/{{ path }}` }, payload: { S: '{{ body | tojson }}' } } },
    params: { path: 'tls', body: { a: 1 } },
  })}).then((result) => { process.stderr.write(JSON.stringify(result)); process.exit(0); }, (error) => { process.stderr.write(JSON.stringify({ error: error.name })); process.exit(1); });`;
  const { stderr } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate.certFile, ALLOW_PRIVATE_NETWORKS: 'true' },
    timeout: 20_000,
  });
  expect(JSON.parse(stderr)).toEqual(expect.objectContaining({ statusCode: 200, body: { secure: true } }));
  expect(api.requests.at(-1)).toEqual(expect.objectContaining({ method: 'POST', url: '/tls', body: '{"a": 1}' }));
});
