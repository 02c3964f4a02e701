// Renderer benchmarks, printed as ratios measured in one run (see bench/README.md).
// Loopback only, bounded loops. Parts: handler vs raw undici (sequential, 16 in flight) over
// HTTPS, Python Jinja2 + requests for the same call, cached vs uncached rendering, bundle size,
// module init time. The HTTP parts run in child processes: the server on its own, and the client
// with stdout to /dev/null (where the handler's log lines go) and NODE_EXTRA_CA_CERTS set.
import { ChildProcess, execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTemplateCache, renderTemplate } from '../lambda-src/renderer/render';

const ROOT = resolve(__dirname, '..');
const BUNDLE = join(ROOT, 'assets/renderer/index.js');
const SEQUENTIAL_CALLS = 200;
const SEQUENTIAL_ROUNDS = 15;
const CONCURRENT_CALLS = 1600;
const CONCURRENT_ROUNDS = 11;
const IN_FLIGHT = 16;
const INIT_RUNS = 31;

/** The call under test: a ~1 KB JSON POST with four templated headers. */
const ITEM = {
  PK: 'bench-order',
  SK: 'POST',
  url: '{{ baseUrl }}/orders/{{ order.id }}',
  headers: {
    'Content-Type': 'application/json',
    'Authorization': 'Bearer {{ token }}',
    'X-Request-Id': '{{ requestId }}',
    'X-Tenant': '{{ tenant | lower }}',
    'Idempotency-Key': '{{ order.id }}-{{ attempt | default(1) }}',
  },
  payload: '{"order": {{ order | tojson }}, "customer": {"id": {{ customer.id }}, "name": {{ customer.name | tojson }}}, '
    + '"lines": [{% for line in lines %}{"sku": {{ line.sku | tojson }}, "qty": {{ line.qty }}, "price": {{ line.price }}}'
    + '{{ ", " if not loop.last }}{% endfor %}], "note": {{ note | tojson }}}',
};

function params(baseUrl: string) {
  return {
    baseUrl,
    token: 'tok_0123456789abcdef',
    requestId: 'req-42',
    tenant: 'ACME',
    attempt: 1,
    order: { id: 'ord-1001', currency: 'EUR', channel: 'web' },
    customer: { id: 77, name: 'Zoë Example' },
    lines: Array.from({ length: 14 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: (i % 3) + 1, price: 9.5 + i })),
    note: 'Leave at the door, ring twice.',
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value: number, digits = 1) => value.toFixed(digits);

// ---------------------------------------------------------------- HTTPS server (child process)
const SERVER_SCRIPT = `
const https = require('node:https'); const fs = require('node:fs');
const body = JSON.stringify({ ok: true, id: 'ord-1001', status: 'accepted', items: 14 });
const server = https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]), keepAliveTimeout: 60000 }, (req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

async function startServer(keyFile: string, certFile: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER_SCRIPT, keyFile, certFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolvePort) => child.once('message', (message) => resolvePort(Number(message))));
  return { port, child };
}

// ---------------------------------------------------------------- client measurements (worker)
interface Comparison {
  readonly raw: number;
  readonly handler: number;
  /** Median of the per-round handler/raw ratios (rounds are adjacent, so load bursts hit both). */
  readonly ratio: number;
  readonly bestRatio: number;
}

interface ClientResults {
  readonly sequential: Comparison;
  readonly concurrent: Comparison;
  readonly bodyBytes: number;
}

async function clientWorker(baseUrl: string): Promise<ClientResults> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(BUNDLE) as { handler: (event: object) => Promise<{ statusCode: number; body: unknown }> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Agent, request } = require('undici') as typeof import('undici');
  const context = params(baseUrl);
  const event = { template: { Item: marshall(ITEM) }, params: context };

  // The raw request sends the same bytes the handler sends, rendered once up front.
  const url = renderTemplate(ITEM.url, context, 'url');
  const headers = Object.fromEntries(Object.entries(ITEM.headers).map(([name, source]) => [name, renderTemplate(source, context, name)]));
  const body = renderTemplate(ITEM.payload, context, 'payload');
  const agent = new Agent();
  const raw = async () => {
    const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    const parsed: unknown = await response.body.json();
    if (response.statusCode !== 200 || parsed === undefined) throw new Error('unexpected raw response');
  };
  const viaHandler = async () => {
    const response = await handler(event);
    if (response.statusCode !== 200) throw new Error('unexpected handler response');
  };

  const sequentialMicros = async (call: () => Promise<void>) => {
    const started = performance.now();
    for (let i = 0; i < SEQUENTIAL_CALLS; i++) await call();
    return ((performance.now() - started) * 1000) / SEQUENTIAL_CALLS;
  };
  const concurrentMicros = async (call: () => Promise<void>) => {
    let remaining = CONCURRENT_CALLS;
    const started = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (remaining-- > 0) await call();
    }));
    return ((performance.now() - started) * 1000) / CONCURRENT_CALLS;
  };

  // Warm up both paths (JIT, TLS sessions, connection pools).
  await sequentialMicros(raw);
  await sequentialMicros(viaHandler);
  await concurrentMicros(raw);
  await concurrentMicros(viaHandler);

  // Interleaved rounds, alternating which goes first, so drift hits both equally.
  const measure = async (rounds: number, run: (call: () => Promise<void>) => Promise<number>): Promise<Comparison> => {
    const rawTimes: number[] = [];
    const handlerTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        rawTimes.push(await run(raw));
        handlerTimes.push(await run(viaHandler));
      } else {
        handlerTimes.push(await run(viaHandler));
        rawTimes.push(await run(raw));
      }
    }
    const ratios = rawTimes.map((rawTime, round) => handlerTimes[round] / rawTime);
    return { raw: median(rawTimes), handler: median(handlerTimes), ratio: median(ratios), bestRatio: Math.min(...ratios) };
  };
  const sequential = await measure(SEQUENTIAL_ROUNDS, sequentialMicros);
  const concurrent = await measure(CONCURRENT_ROUNDS, concurrentMicros);
  await agent.close();
  return { sequential, concurrent, bodyBytes: Buffer.byteLength(body) };
}

/** AttributeValue form, as the workflow passes the item (only the S and M shapes used here). */
function marshall(item: typeof ITEM): Record<string, unknown> {
  const value = (v: unknown): unknown => (typeof v === 'string' ? { S: v } : { M: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, value(x)])) });
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

async function runClient(baseUrl: string, certFile: string): Promise<ClientResults> {
  const child = fork(process.argv[1], process.argv.slice(2), {
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_CLIENT: baseUrl, NODE_EXTRA_CA_CERTS: certFile, ALLOW_PRIVATE_NETWORKS: 'true' },
    // The handler logs one line per call to stdout: let it write, to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolveResults, reject) => {
    child.once('message', (message) => resolveResults(message as ClientResults));
    child.once('exit', (code) => reject(new Error(`benchmark client exited with ${code}`)));
  });
}

// ---------------------------------------------------------------- Python Jinja2 + requests
const PYTHON_SCRIPT = `
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
import jinja2, requests
item, params, cert, calls = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
templates = {"url": env.from_string(item["url"]), "payload": env.from_string(item["payload"]),
             "headers": {k: env.from_string(v) for k, v in item["headers"].items()}}
session = requests.Session()
session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=16))
def call():
    url = templates["url"].render(**params)
    headers = {k: t.render(**params) for k, t in templates["headers"].items()}
    body = templates["payload"].render(**params)
    r = session.post(url, data=body.encode(), headers=headers, verify=cert, allow_redirects=False, timeout=10)
    assert r.status_code == 200 and r.json()
for _ in range(100): call()
start = time.perf_counter()
for _ in range(calls): call()
sequential = (time.perf_counter() - start) * 1e6 / calls
with ThreadPoolExecutor(16) as pool:
    start = time.perf_counter()
    list(pool.map(lambda _: call(), range(calls * 2)))
    concurrent = (time.perf_counter() - start) * 1e6 / (calls * 2)
print(json.dumps({"sequential": sequential, "concurrent": concurrent}))
`;

function runPython(baseUrl: string, certFile: string): { sequential: number; concurrent: number } | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jinja2, requests'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    return 'skipped: /usr/bin/python3 with jinja2 and requests not found (apt-get install python3-jinja2 python3-requests)';
  }
  const output = execFileSync('/usr/bin/python3', ['-c', PYTHON_SCRIPT, JSON.stringify(ITEM), JSON.stringify(params(baseUrl)), certFile, '400'], { encoding: 'utf8' });
  return JSON.parse(output) as { sequential: number; concurrent: number };
}

// ---------------------------------------------------------------- rendering, bundle, init
async function renderingRatio(): Promise<{ cached: number; uncached: number }> {
  const context = params('https://api.example.com');
  const renderAll = () => {
    renderTemplate(ITEM.url, context, 'url');
    for (const [name, source] of Object.entries(ITEM.headers)) renderTemplate(source, context, name);
    renderTemplate(ITEM.payload, context, 'payload');
  };
  const time = (runs: number, before: () => void) => {
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      before();
      renderAll();
    }
    return ((performance.now() - started) * 1000) / runs;
  };
  time(300, clearTemplateCache);
  time(3000, () => undefined);
  const uncached = median(Array.from({ length: 5 }, () => time(300, clearTemplateCache)));
  const cached = median(Array.from({ length: 5 }, () => time(3000, () => undefined)));
  return { cached, uncached };
}

interface InitTime {
  /** Wall time of the whole spawn, ms. */
  readonly wall: number;
  /** CPU time (user + system) of the child up to the end of its script, ms: less sensitive to other load. */
  readonly cpu: number;
}

function initTimes(): { bare: InitTime; bundle: InitTime } {
  const time = (script: string) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['-e', `${script};const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))`], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node -e ${script} failed`);
    return { wall: performance.now() - started, cpu: Number(result.stdout) };
  };
  const bare: InitTime[] = [];
  const bundle: InitTime[] = [];
  for (let i = 0; i < INIT_RUNS; i++) {
    bare.push(time(''));
    bundle.push(time("require('./assets/renderer/index.js')"));
  }
  const summary = (runs: InitTime[]) => ({ wall: median(runs.map((run) => run.wall)), cpu: median(runs.map((run) => run.cpu)) });
  return { bare: summary(bare), bundle: summary(bundle) };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-bench-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  writeFileSync(join(dir, 'README'), 'temporary certificate for bench/renderer.bench.ts\n');

  console.log(`renderer benchmark — node ${process.version}, loopback HTTPS, POST ${Buffer.byteLength(JSON.stringify(params('')))} B of params, 4 templated headers\n`);
  const server = await startServer(keyFile, certFile);
  const baseUrl = `https://127.0.0.1:${server.port}`;
  try {
    const client = await runClient(baseUrl, certFile);
    const { sequential: seq, concurrent: conc } = client;
    console.log(`HTTP call (request body ${client.bodyBytes} B; µs per call, median of interleaved rounds)`);
    console.log(`  sequential      raw undici ${fmt(seq.raw)}  handler ${fmt(seq.handler)}  ratio ${fmt(seq.ratio, 2)} (best round ${fmt(seq.bestRatio, 2)})  target ≤ 1.15`);
    console.log(`  ${IN_FLIGHT} in flight    raw undici ${fmt(conc.raw)}  handler ${fmt(conc.handler)}  ratio ${fmt(conc.ratio, 2)} (best round ${fmt(conc.bestRatio, 2)})  target ≤ 1.30`);
    const python = runPython(baseUrl, certFile);
    if (typeof python === 'string') {
      console.log(`  Python Jinja2 + requests: ${python}`);
    } else {
      console.log(`  Python Jinja2 + requests  sequential ${fmt(python.sequential)} (${fmt(python.sequential / seq.handler, 2)}× the handler)  `
        + `${IN_FLIGHT} threads ${fmt(python.concurrent)} (${fmt(python.concurrent / conc.handler, 2)}× the handler)`);
    }
  } finally {
    server.child.kill();
  }

  const rendering = await renderingRatio();
  console.log('\nRendering url + 5 headers + payload (µs per request)');
  console.log(`  compile and render ${fmt(rendering.uncached)}  cached render ${fmt(rendering.cached, 2)}  speed-up ${fmt(rendering.uncached / rendering.cached)}×  (target ≥ 10×)`);

  const size = statSync(BUNDLE).size;
  console.log(`\nBundle assets/renderer/index.js: ${fmt(size / 1024)} KiB (${size} B; target ≤ 650 KB)`);

  const init = initTimes();
  console.log(`Module init (median of ${INIT_RUNS} spawns): node -e "" ${fmt(init.bare.wall)} ms, require(bundle) ${fmt(init.bundle.wall)} ms, `
    + `difference ${fmt(init.bundle.wall - init.bare.wall)} ms wall, ${fmt(init.bundle.cpu - init.bare.cpu)} ms CPU  (target ≤ 30 ms)`);
}

if (process.env.BENCH_CLIENT) {
  void clientWorker(process.env.BENCH_CLIENT).then((results) => {
    process.send!(results);
    process.exit(0);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
