// Renderer benchmarks, printed as ratios measured in one run (see bench/README.md).
// Loopback only, bounded loops. Parts: handler vs raw undici (sequential, 16 in flight) over
// HTTPS, with Python Jinja2 + requests in the same rounds; first invocation vs a raw first
// request; module init of the shipped asset; cached vs uncached rendering; bundle size.
// The HTTP parts run in child processes: the server on its own, the Node client with stdout to
// /dev/null (where the handler's log lines go), the Python client; all trust the test certificate.
import { ChildProcess, execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { clearTemplateCache, renderTemplate } from '../lambda-src/renderer/render';

const ROOT = resolve(__dirname, '..');
const ASSET_DIR = join(ROOT, 'assets/renderer');
const BUNDLE = join(ASSET_DIR, 'index.js');
const SEQUENTIAL_CALLS = 200;
const CONCURRENT_CALLS = 1600;
const PYTHON_SEQUENTIAL_CALLS = 100;
const PYTHON_CONCURRENT_CALLS = 400;
/** Rounds of each HTTP comparison; the figures are medians of 7. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const IN_FLIGHT = 16;
const INIT_RUNS = 31;
const FIRST_CALL_RUNS = 15;
/** What the CI guard (test/renderer/bundle-size.test.ts) allows for the shipped asset. */
const MAX_ASSET_BYTES = 650 * 1000;

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

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)];
const fmt = (value: number, digits = 1) => value.toFixed(digits);

/** A median with its spread: the lowest and highest of the values it is the median of. */
interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}
const spread = (values: number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
const fmtSpread = (value: Spread, digits = 2, unit = '×') => `${fmt(value.median, digits)}${unit} [${fmt(value.min, digits)}–${fmt(value.max, digits)}]`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');

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

// ---------------------------------------------------------------- Node client (worker process)
type Mode = 'sequential' | 'concurrent';
type Client = 'raw' | 'handler';

/** One measurement: wall time and this process's CPU time, µs per call. */
interface Timing {
  readonly micros: number;
  readonly cpuMicros: number;
}

/** The worker: warms both paths up, then measures what the parent asks for, one run at a time. */
async function clientWorker(baseUrl: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(BUNDLE) as { handler: (event: object) => Promise<{ statusCode: number; body: unknown }> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Agent, request } = require('undici') as typeof import('undici');
  const event = benchEvent(baseUrl);

  // The raw request sends the same bytes the handler sends, rendered once up front.
  const raw = rawRequest(baseUrl);
  const agent = new Agent();
  const calls: Record<Client, () => Promise<void>> = {
    raw: async () => {
      const response = await request(raw.url, { method: 'POST', headers: raw.headers, body: raw.body, dispatcher: agent });
      const parsed: unknown = await response.body.json();
      if (response.statusCode !== 200 || parsed === undefined) throw new Error('unexpected raw response');
    },
    handler: async () => {
      const response = await handler(event);
      if (response.statusCode !== 200) throw new Error('unexpected handler response');
    },
  };
  const run = async (client: Client, mode: Mode): Promise<Timing> => {
    const call = calls[client];
    const count = mode === 'sequential' ? SEQUENTIAL_CALLS : CONCURRENT_CALLS;
    const cpu = process.cpuUsage();
    const started = performance.now();
    if (mode === 'sequential') {
      for (let i = 0; i < count; i++) await call();
    } else {
      let remaining = count;
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (remaining-- > 0) await call();
      }));
    }
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { micros: (elapsed * 1000) / count, cpuMicros: (used.user + used.system) / count };
  };

  // Warm up both paths (JIT, TLS sessions, connection pools).
  for (const mode of ['sequential', 'concurrent'] as const) {
    await run('raw', mode);
    await run('handler', mode);
  }
  process.on('message', (message: { client: Client; mode: Mode } | 'exit') => {
    if (message === 'exit') {
      void agent.close().then(() => process.exit(0));
      return;
    }
    void run(message.client, message.mode).then((timing) => process.send!(timing));
  });
  process.send!('ready');
}

function benchEvent(baseUrl: string): object {
  return { template: { Item: marshall(ITEM) }, params: params(baseUrl) };
}

function rawRequest(baseUrl: string): { url: string; headers: Record<string, string>; body: string } {
  const context = params(baseUrl);
  return {
    url: renderTemplate(ITEM.url, context, 'url'),
    headers: Object.fromEntries(Object.entries(ITEM.headers).map(([name, source]) => [name, renderTemplate(source, context, name)])),
    body: renderTemplate(ITEM.payload, context, 'payload'),
  };
}

/** AttributeValue form, as the workflow passes the item (only the S and M shapes used here). */
function marshall(item: typeof ITEM): Record<string, unknown> {
  const value = (v: unknown): unknown => (typeof v === 'string' ? { S: v } : { M: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, value(x)])) });
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

/** The Node client in its own process: `measure(client, mode)` runs one measurement there. */
async function startClient(baseUrl: string, certFile: string) {
  const child = fork(process.argv[1], process.argv.slice(2), {
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_CLIENT: baseUrl, NODE_EXTRA_CA_CERTS: certFile, ALLOW_PRIVATE_NETWORKS: 'true' },
    // The handler logs one line per call to stdout: let it write, to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () => new Promise<unknown>((resolveMessage, reject) => {
    const onExit = (code: number) => reject(new Error(`benchmark client exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolveMessage(message);
    });
  });
  await next();
  return {
    measure: async (client: Client, mode: Mode) => {
      const reply = next();
      child.send({ client, mode });
      return reply as Promise<Timing>;
    },
    close: () => child.send('exit'),
  };
}

// ---------------------------------------------------------------- Python Jinja2 + requests
// Renders and sends the same call per request, in its own process; measures on command
// ("sequential N" or "concurrent N" on stdin, µs per call on stdout) so it runs in the same rounds.
const PYTHON_SCRIPT = `
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
import jinja2, requests
item, params, cert = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
templates = {"url": env.from_string(item["url"]), "payload": env.from_string(item["payload"]),
             "headers": {k: env.from_string(v) for k, v in item["headers"].items()}}
session = requests.Session()
session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=${IN_FLIGHT}))
pool = ThreadPoolExecutor(${IN_FLIGHT})
def call(_=None):
    url = templates["url"].render(**params)
    headers = {k: t.render(**params) for k, t in templates["headers"].items()}
    body = templates["payload"].render(**params)
    r = session.post(url, data=body.encode(), headers=headers, verify=cert, allow_redirects=False, timeout=10)
    assert r.status_code == 200 and r.json()
def measure(mode, calls):
    start = time.perf_counter()
    if mode == "sequential":
        for _ in range(calls): call()
    else:
        list(pool.map(call, range(calls)))
    return (time.perf_counter() - start) * 1e6 / calls
measure("sequential", 100); measure("concurrent", 200)
print("ready", flush=True)
for line in sys.stdin:
    mode, calls = line.split()
    print(json.dumps(measure(mode, int(calls))), flush=True)
`;

async function startPython(baseUrl: string, certFile: string): Promise<{ measure: (mode: Mode) => Promise<number>; close: () => void } | string> {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jinja2, requests'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    return 'skipped: /usr/bin/python3 with jinja2 and requests not found (apt-get install python3-jinja2 python3-requests)';
  }
  const child = spawn('/usr/bin/python3', ['-c', PYTHON_SCRIPT, JSON.stringify(ITEM), JSON.stringify(params(baseUrl)), certFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the Python client exited');
    return line.value;
  };
  await next(); // ready
  return {
    measure: async (mode) => {
      child.stdin!.write(`${mode} ${mode === 'sequential' ? PYTHON_SEQUENTIAL_CALLS : PYTHON_CONCURRENT_CALLS}\n`);
      return Number(JSON.parse(await next()));
    },
    close: () => child.stdin!.end(),
  };
}

// ---------------------------------------------------------------- rounds
interface RoundResults {
  readonly raw: Timing[];
  readonly handler: Timing[];
  readonly python: number[];
}

/** Rounds of raw, handler (alternating which goes first, so drift hits both) and Python. */
async function rounds(
  mode: Mode,
  client: Awaited<ReturnType<typeof startClient>>,
  python: Awaited<ReturnType<typeof startPython>>,
): Promise<RoundResults> {
  const results: RoundResults = { raw: [], handler: [], python: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Client[] = round % 2 === 0 ? ['raw', 'handler'] : ['handler', 'raw'];
    for (const which of order) {
      results[which].push(await client.measure(which, mode));
    }
    if (typeof python !== 'string') {
      results.python.push(await python.measure(mode));
    }
  }
  return results;
}

function reportRounds(label: string, results: RoundResults, target: number, pythonTarget: number): void {
  const { raw, handler, python } = results;
  const wall = spread(handler.map((timing, round) => timing.micros / raw[round].micros));
  const cpu = spread(handler.map((timing, round) => timing.cpuMicros / raw[round].cpuMicros));
  console.log(`  ${label.padEnd(13)} handler / raw undici  wall ${fmtSpread(wall)}  CPU ${fmtSpread(cpu)}  `
    + `(µs per call: raw ${fmt(median(raw.map((t) => t.micros)))} wall ${fmt(median(raw.map((t) => t.cpuMicros)))} CPU, `
    + `handler ${fmt(median(handler.map((t) => t.micros)))} wall ${fmt(median(handler.map((t) => t.cpuMicros)))} CPU)  `
    + `target ≤ ${fmt(target, 2)}×: ${verdict(wall.median <= target)}`);
  if (python.length > 0) {
    const ratio = spread(python.map((micros, round) => micros / handler[round].micros));
    console.log(`  ${''.padEnd(13)} Python Jinja2 + requests / handler  ${fmtSpread(ratio, 1)}  `
      + `(Python ${fmt(median(python))} µs per call)  target ≥ ${fmt(pythonTarget, 1)}×: ${verdict(ratio.median >= pythonTarget)}`);
  }
}

// ---------------------------------------------------------------- first invocation (fresh processes)
/** Prints `BENCH <ms>`: the first call in a fresh process, after its module is loaded. */
const FIRST_HANDLER_SCRIPT = `
const { handler } = require(process.argv[1]);
const event = JSON.parse(process.argv[2]);
const started = process.hrtime.bigint();
handler(event).then((response) => {
  if (response.statusCode !== 200) throw new Error('unexpected handler response');
  console.log('BENCH ' + Number(process.hrtime.bigint() - started) / 1e6);
  process.exit(0);
});
`;
const FIRST_RAW_SCRIPT = `
const { request } = require(process.argv[1]);
const raw = JSON.parse(process.argv[2]);
const started = process.hrtime.bigint();
request(raw.url, { method: 'POST', headers: raw.headers, body: raw.body }).then((response) => response.body.json().then(() => {
  if (response.statusCode !== 200) throw new Error('unexpected raw response');
  console.log('BENCH ' + Number(process.hrtime.bigint() - started) / 1e6);
  process.exit(0);
}));
`;

function firstCalls(baseUrl: string, certFile: string): { raw: number[]; handler: number[] } {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certFile, ALLOW_PRIVATE_NETWORKS: 'true' };
  const time = (script: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, ['-e', script, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    const line = result.stdout.split('\n').find((text) => text.startsWith('BENCH '));
    if (result.status !== 0 || line === undefined) throw new Error(`first call failed: ${result.stderr}`);
    return Number(line.slice('BENCH '.length));
  };
  const raw: number[] = [];
  const handler: number[] = [];
  const runRaw = () => raw.push(time(FIRST_RAW_SCRIPT, require.resolve('undici'), JSON.stringify(rawRequest(baseUrl))));
  const runHandler = () => handler.push(time(FIRST_HANDLER_SCRIPT, BUNDLE, JSON.stringify(benchEvent(baseUrl))));
  for (let i = 0; i < FIRST_CALL_RUNS; i++) {
    if (i % 2 === 0) {
      runRaw();
      runHandler();
    } else {
      runHandler();
      runRaw();
    }
  }
  return { raw, handler };
}

// ---------------------------------------------------------------- rendering, asset, init
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

/**
 * `require()` of the shipped asset in a fresh `node` over a bare `node -e ""`, spawned in
 * adjacent pairs: the paired differences of wall time and of the child's CPU time (user +
 * system up to the end of its script, less sensitive to other load), ms.
 */
function initTimes(): { wall: number[]; cpu: number[] } {
  const time = (script: string) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['-e', `${script};const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))`], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node -e ${script} failed`);
    return { wall: performance.now() - started, cpu: Number(result.stdout) };
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < INIT_RUNS; i++) {
    const bare = time('');
    const bundle = time(`require(${JSON.stringify(BUNDLE)})`);
    wall.push(bundle.wall - bare.wall);
    cpu.push(bundle.cpu - bare.cpu);
  }
  return { wall, cpu };
}

/** The median and the interquartile range (many noisy samples: the extremes say little). */
function quartiles(values: number[]): Spread {
  const ordered = sorted(values);
  return { median: median(values), min: ordered[Math.floor(ordered.length / 4)], max: ordered[Math.floor((3 * ordered.length) / 4)] };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-bench-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  writeFileSync(join(dir, 'README'), 'temporary certificate for bench/renderer.bench.ts\n');

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`;
  const load = () => loadavg().map((value) => fmt(value, 2)).join(' ');
  console.log(`renderer benchmark — ${new Date().toISOString()}, node ${process.version}, ${machine}, load average ${load()}`);
  console.log(`call: POST of a rendered JSON body with 4 templated headers over loopback HTTPS (${Buffer.byteLength(JSON.stringify(params('')))} B of params); `
    + `${ROUNDS} rounds, ratios paired per round: median [min–max]\n`);
  const server = await startServer(keyFile, certFile);
  const baseUrl = `https://127.0.0.1:${server.port}`;
  try {
    console.log(`HTTP call (request body ${Buffer.byteLength(rawRequest(baseUrl).body)} B; ${SEQUENTIAL_CALLS} sequential calls or ${CONCURRENT_CALLS} calls ${IN_FLIGHT} in flight per round)`);
    const client = await startClient(baseUrl, certFile);
    const python = await startPython(baseUrl, certFile);
    if (typeof python === 'string') console.log(`  Python Jinja2 + requests: ${python}`);
    try {
      reportRounds('sequential', await rounds('sequential', client, python), 1.15, 3.3);
      reportRounds(`${IN_FLIGHT} in flight`, await rounds('concurrent', client, python), 1.30, 15);
    } finally {
      client.close();
      if (typeof python !== 'string') python.close();
    }

    const first = firstCalls(baseUrl, certFile);
    const firstRatio = quartiles(first.handler.map((handlerMs, run) => handlerMs / first.raw[run]));
    console.log(`\nFirst invocation / raw undici first request (fresh process each, after its module is loaded; ${FIRST_CALL_RUNS} pairs, median [interquartile])`);
    console.log(`  ${fmtSpread(firstRatio)}  (raw ${fmt(median(first.raw))} ms, handler ${fmt(median(first.handler))} ms)  target ≤ 1.25×: ${verdict(firstRatio.median <= 1.25)}`);
  } finally {
    server.child.kill();
  }

  const init = initTimes();
  const initWall = quartiles(init.wall);
  console.log(`\nModule init of the shipped asset over bare node (${INIT_RUNS} adjacent spawn pairs, median [interquartile])`);
  console.log(`  +${fmtSpread(initWall, 1, ' ms')} wall, +${fmtSpread(quartiles(init.cpu), 1, ' ms')} CPU  target ≤ 25 ms: ${verdict(initWall.median <= 25)}`);

  const files = readdirSync(ASSET_DIR);
  const assetBytes = files.reduce((total, file) => total + statSync(join(ASSET_DIR, file)).size, 0);
  console.log(`\nShipped asset assets/renderer (${files.join(', ')}): ${assetBytes} B, index.js ${statSync(BUNDLE).size} B  `
    + `limit ${MAX_ASSET_BYTES} B (test/renderer/bundle-size.test.ts): ${verdict(assetBytes <= MAX_ASSET_BYTES)}`);

  const rendering = await renderingRatio();
  console.log('\nRendering url + 5 headers + payload in this process (µs per request)');
  console.log(`  compile and render ${fmt(rendering.uncached)}  cached render ${fmt(rendering.cached, 2)}  speed-up ${fmt(rendering.uncached / rendering.cached)}×  (target ≥ 10×)`);
  console.log(`\nload average at the end ${load()}`);
}

if (process.env.BENCH_CLIENT) {
  void clientWorker(process.env.BENCH_CLIENT);
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
