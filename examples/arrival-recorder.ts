// An API on 127.0.0.1 in a process of its own that records when each request arrives (the demo's
// partner, the rate-limit tests' API). In the caller's own process, arrivals would be recorded by
// the same event loop that runs the workflow and the renderer: when that loop is busy, requests the
// kernel already accepted wait together and are all stamped at once, so the server would see a
// bunch the renderer never sent.
import { spawn } from 'node:child_process';

const SERVER = `
const http = require('node:http');
const { status, notFound } = JSON.parse(process.argv[1]);
const arrivals = [];
const server = http.createServer((req, res) => {
  if (req.url === '/__arrivals') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(arrivals));
  arrivals.push(Date.now());
  // /pages/<n>/<of>: page n of a paginated list, with the path of the next page.
  const paged = /^\\/pages\\/(\\d+)\\/(\\d+)$/.exec(req.url);
  if (notFound.includes(req.url)) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  const body = paged ? { data: [Number(paged[1])], next: Number(paged[1]) < Number(paged[2]) ? '/pages/' + (Number(paged[1]) + 1) + '/' + paged[2] : null } : { ok: true };
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export interface ArrivalRecorderOptions {
  /** The status of every answer. @default 200 */
  readonly status?: number;
  /** Paths answered 404. @default none */
  readonly notFound?: readonly string[];
}

export interface ArrivalRecorder {
  /** `http://127.0.0.1:<port>`: every path answers `{"ok":true}`, but `/pages/<n>/<of>`: `{ data: [n], next }`. */
  readonly origin: string;
  /** When each request arrived (epoch milliseconds, the recorder's clock, which is the machine's). */
  arrivals(): Promise<number[]>;
  close(): void;
}

/** The most arrivals in any one-second window (sliding, starting at each arrival). */
export function busiestSecond(arrivals: readonly number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j] < sorted[i] - 999) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export async function startArrivalRecorder({ status = 200, notFound = [] }: ArrivalRecorderOptions = {}): Promise<ArrivalRecorder> {
  const child = spawn(process.execPath, ['-e', SERVER, JSON.stringify({ status, notFound })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the arrival recorder exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    arrivals: async () => (await fetch(`${origin}/__arrivals`)).json() as Promise<number[]>,
    close: () => child.kill(),
  };
}
