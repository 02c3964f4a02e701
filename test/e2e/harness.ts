// Shared by the end-to-end tests: a TemplatedApiCaller in its own stack, run locally, and a
// loopback API whose answers each test scripts.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { App, Stack } from 'aws-cdk-lib';
import { LocalWorkflowRunner, LocalWorkflowRunnerOptions } from '../../cli-src/local-runner';
import { runnerForConstruct } from '../../cli-src/local-runner/from-stack';
import { TemplatedApiCaller, TemplatedApiCallerProps } from '../../src';

/** A scripted answer: status, optional JSON body, optional delay. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly delayMs?: number;
}

/** A loopback API: `script(path, ...answers)` sets what a path answers, one answer per request (the last repeats). */
export class ScriptedApi {
  public static async start(): Promise<ScriptedApi> {
    const api = new ScriptedApi();
    await new Promise<void>(resolve => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  public readonly requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  private readonly scripts = new Map<string, Answer[]>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const script = this.scripts.get(path) ?? [{ status: 404, body: { error: 'unscripted' } }];
      const answer = script.length > 1 ? script.shift()! : script[0];
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body ?? { path }));
      }, answer.delayMs ?? 0);
    });
  });

  public get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public script(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, answers);
  }

  public count(path: string): number {
    return this.requests.filter(r => r.path === path).length;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}

/**
 * A TemplatedApiCaller with `props` (private networks allowed: the API is on 127.0.0.1), run
 * locally. Props that hold states (hooks) are built from the stack, where those states live.
 */
export async function localCaller(
  props: TemplatedApiCallerProps | ((stack: Stack) => TemplatedApiCallerProps) = {},
  options: LocalWorkflowRunnerOptions = {},
): Promise<LocalWorkflowRunner> {
  const stack = new Stack(new App(), 'E2E');
  const caller = new TemplatedApiCaller(stack, 'Caller', { allowPrivateNetworks: true, ...(typeof props === 'function' ? props(stack) : props) });
  // Retry and Wait intervals shrink to milliseconds; their counts and order stay as defined.
  return runnerForConstruct(caller, { retryIntervalMs: 1, waitMs: 1, ...options });
}

export function stateNames(record: { states: Array<{ name: string }> }): string[] {
  return record.states.map(s => s.name);
}
