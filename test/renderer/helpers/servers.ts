// Real HTTP(S) servers on 127.0.0.1 for the renderer tests, counting the connections they accept.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Requests seen so far, with their bodies. */
  readonly requests: RecordedRequest[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export type Respond = (request: RecordedRequest, response: http.ServerResponse) => void;

export async function startHttpServer(respond: Respond, host = '127.0.0.1'): Promise<TestServer> {
  return listen(http.createServer(), respond, 'http', host);
}

export async function startHttpsServer(respond: Respond, certificate: Certificate): Promise<TestServer> {
  return listen(https.createServer({ key: certificate.key, cert: certificate.cert }), respond, 'https', '127.0.0.1');
}

async function listen(server: http.Server, respond: Respond, scheme: string, host: string): Promise<TestServer> {
  let connections = 0;
  const requests: RecordedRequest[] = [];
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', () => connections++);
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      respond(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    connections: () => connections,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function json(status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Respond {
  return (_, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

export interface Certificate {
  readonly key: string;
  readonly cert: string;
  /** PEM file of the certificate, for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
