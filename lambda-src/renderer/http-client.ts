// The HTTP call: one keep-alive undici Agent for the life of the Lambda container, the
// destination guard in its connect path, a whole-call timeout and a streaming size cap.
// Uses undici's dispatcher directly: no body stream, no redirects, only what the contract needs.
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import buildConnector from 'undici/lib/core/connect';
import Agent from 'undici/lib/dispatcher/agent';
import { rendererConfig } from './config';
import { assertAllowedAddress, guardedLookup } from './destination-guard';
import { ApiConnectionError, ApiTimeoutError, InvalidTemplateError, isRendererError, ResponseTooLargeError } from './errors';
import type { BodyLocation, BodyRoute, BodySink, ResponseOffload } from './response/body-offload';

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Large responses: bodies streamed to S3 instead of memory. */
  readonly offload?: ResponseOffload;
}

export interface HttpResponse {
  readonly statusCode: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** Where the body went instead of `body` (empty then), with large responses. */
  readonly bodyLocation?: BodyLocation;
  /** Milliseconds from sending the request to the response's status line and headers (metrics). */
  readonly timeToFirstByteMs?: number;
}

const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

// undici loads node:tls at its first HTTPS connection; loaded here it is part of module init
// (where a Lambda's start-up work belongs) instead of the first invocation's latency. A require,
// not an import: the bundler drops imports of built-in modules that bind nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('node:tls');

let agent: Agent | undefined;

function sharedAgent(): Agent {
  return agent ??= createAgent();
}

/** Destroys the shared agent and its sockets (tests, benchmarks); the next call opens a new one. */
export async function closeHttpAgent(): Promise<void> {
  const closing = agent;
  agent = undefined;
  await closing?.destroy();
}

function createAgent(): Agent {
  const connector = buildConnector({ lookup: guardedLookup(rendererConfig) } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (options, callback) => {
    // IP literals never reach the DNS lookup: check them before a socket exists.
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      try {
        assertAllowedAddress(host, host, rendererConfig());
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    connector(options, callback);
  };
  // Response headers up to Node's default 16 KiB, set here: the bundle does not load node:http
  // (build-tools/bundle.mjs), whose maxHeaderSize undici would read otherwise.
  return new Agent({ connect, maxHeaderSize: MAX_RESPONSE_HEADER_BYTES });
}

export function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const { url } = request;
    const collector = new ResponseCollector(request, resolve, reject);
    sharedAgent().dispatch({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
    }, collector as unknown as Dispatcher.DispatchHandler);
  });
}

/** undici's native (v7) handler interface: collects the response, enforcing timeout and cap. */
class ResponseCollector {
  private abort?: (reason: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  private statusCode = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private route: BodyRoute = 'memory';
  private sink?: BodySink;
  private resume?: () => void;
  private readonly sentAt = process.hrtime.bigint();
  private headersAt?: bigint;

  constructor(
    private readonly request: HttpRequest,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.fail(new ApiTimeoutError(`no complete response from ${request.url.host} within ${request.timeoutMs} ms`)), request.timeoutMs);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.abort = abort;
    if (this.settled) {
      abort(new ApiTimeoutError('request abandoned'));
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume?: () => void): boolean {
    this.statusCode = statusCode;
    this.headersAt = process.hrtime.bigint();
    this.headers = parseHeaders(rawHeaders);
    const declared = Number(this.headers['content-length']);
    const { offload } = this.request;
    this.route = offload?.route(statusCode, this.headers) ?? 'memory';
    this.resume = resume;
    if (declared > this.cap()) {
      this.fail(new ResponseTooLargeError(this.cap()));
    } else if (this.route === 'offload' || (this.route === 'offload-above-threshold' && declared > offload!.thresholdBytes)) {
      this.sink = offload!.open(this.headers);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.cap()) {
      this.fail(new ResponseTooLargeError(this.cap()));
      return false;
    }
    if (this.sink === undefined && this.route === 'offload-above-threshold' && this.size > this.request.offload!.thresholdBytes) {
      // Past the threshold: what was buffered goes first, then the body streams.
      this.sink = this.request.offload!.open(this.headers);
      this.chunks.push(chunk);
      chunk = Buffer.concat(this.chunks.splice(0), this.size);
    }
    if (this.sink !== undefined) {
      const written = this.sink.write(chunk);
      if (written === undefined) return true;
      written.then(() => this.resume?.(), (error: Error) => this.fail(error));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  /** Offloaded bodies have a cap of their own, enforced as they stream. */
  private cap(): number {
    return this.route === 'memory' ? this.request.maxResponseBytes : this.request.offload!.maxBytes;
  }

  onComplete(): void {
    const sink = this.sink;
    if (sink !== undefined) {
      if (this.settle()) {
        sink.end().then(
          (bodyLocation) => this.resolve({ statusCode: this.statusCode, headers: this.headers, body: Buffer.alloc(0), bodyLocation }),
          this.reject,
        );
      }
      return;
    }
    if (this.settle()) {
      const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
      const timeToFirstByteMs = this.headersAt === undefined ? undefined : Number(this.headersAt - this.sentAt) / 1e6;
      this.resolve({ statusCode: this.statusCode, headers: this.headers, body, timeToFirstByteMs });
    }
  }

  onError(error: Error): void {
    this.fail(connectionError(error, this.request.url.host));
  }

  private fail(error: Error): void {
    if (this.settle()) {
      this.sink?.abort();
      this.reject(error);
      this.abort?.(error);
    }
  }

  private settle(): boolean {
    if (this.settled) {
      return false;
    }
    this.settled = true;
    clearTimeout(this.timer);
    return true;
  }
}

function parseHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index].toString('latin1').toLowerCase();
    const value = raw[index + 1].toString('latin1');
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps undici and socket errors to contract errors; messages name the host and error code only. */
function connectionError(error: Error, host: string): Error {
  if (isRendererError(error)) {
    return error;
  }
  const code = (error as NodeJS.ErrnoException).code ?? error.name;
  if (TIMEOUT_CODES.has(code)) {
    return new ApiTimeoutError(`${code} calling ${host}`);
  }
  if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') {
    return new InvalidTemplateError(`the rendered request is invalid (${code})`);
  }
  return new ApiConnectionError(`${code} calling ${host}`);
}
