// CI guard (issue 17): what the shipped renderer loads. Loading a module is cold-start time of
// every function, so the asset loads only what a plain call (no secrets, no idempotency key)
// uses, at start and during that call. A feature that imports perf_hooks, zlib, node:http or an
// AWS SDK client at the top of a module fails here: load it when a call needs it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { selfSignedCertificate, startHttpsServer, type TestServer } from './helpers/servers';

const ASSET = join(__dirname, '../../assets/renderer/index.js');

/**
 * Built-in modules a plain call does not need (each costs 1–7 ms to load). node:crypto is not
 * among them: node:tls, which every HTTPS call needs, loads it.
 */
const NOT_ON_THE_PLAIN_PATH = ['http', 'http2', 'https', 'perf_hooks', 'assert', 'zlib', 'worker_threads', 'sqlite', 'child_process', 'vm'];

/** Runs the asset in a fresh `node`: built-ins and files loaded by `require`, then by one call. */
async function loadedModules(call?: { url: string; certificate: string }) {
  const script = `
    const Module = require('node:module');
    const builtins = () => process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    const before = new Set(builtins());
    const { handler } = require(process.argv[1]);
    const atStart = builtins().filter((m) => !before.has(m));
    const url = process.argv[2];
    (url ? handler({ template: { PK: 'plain', SK: 'POST', url, headers: { 'Content-Type': 'application/json', 'X-Id': '{{ id }}' }, payload: '{"id": {{ id | tojson }}}' }, params: { id: 'a1' } }) : Promise.resolve())
      .then(() => {
        const afterCall = builtins().filter((m) => !before.has(m));
        process.stderr.write(JSON.stringify({ atStart, afterCall, files: Object.keys(require.cache) }));
      });
  `;
  // Asynchronous: the server answering the call runs in this process.
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script, ASSET, ...(call ? [call.url] : [])], {
      encoding: 'utf8',
      env: { ...process.env, ALLOW_PRIVATE_NETWORKS: 'true', ...(call ? { NODE_EXTRA_CA_CERTS: call.certificate } : {}) },
    }, (error, _stdout, output) => (error ? reject(new Error(`${error.message}\n${output}`)) : resolve(output)));
  });
  return JSON.parse(stderr) as { atStart: string[]; afterCall: string[]; files: string[] };
}

/** Matches a built-in and its internals: `crypto`, `internal/crypto/hash`, ... */
function offending(modules: string[]): string[] {
  return modules.filter((module) => NOT_ON_THE_PLAIN_PATH.some((name) => module === name || module.startsWith(`internal/${name}/`) || module === `_${name}_agent`));
}

let server: TestServer;
let certificateFile: string;

beforeAll(async () => {
  const certificate = selfSignedCertificate();
  certificateFile = certificate.certFile;
  server = await startHttpsServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok": true}');
  }, certificate);
});

afterAll(() => server.close());

test('requiring the shipped asset loads none of the built-ins a plain call does not need', async () => {
  expect(offending((await loadedModules()).atStart)).toEqual([]);
});

test('a plain HTTPS call loads none of them either, nor any AWS SDK client', async () => {
  const loaded = await loadedModules({ url: `${server.url}/plain`, certificate: certificateFile });
  expect(offending(loaded.afterCall)).toEqual([]);
  expect(loaded.files.filter((file) => file.includes('@aws-sdk'))).toEqual([]);
  // The call really went out (the check above would pass vacuously otherwise).
  expect(server.requests.map((request) => request.body)).toEqual(['{"id": "a1"}']);
});
