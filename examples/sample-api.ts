// A small HTTP API on 127.0.0.1 for the demo and the end-to-end tests: orders, inventory that
// sheds load once per SKU (503 + Retry-After), a chat webhook, and invoices behind an OAuth2
// token endpoint (client credentials). It records every request.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface SampleApi {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Requests to `path` so far. */
  count(path: string): number;
  /** The billing API forgets every token it issued (the next call with one gets 401). */
  revokeTokens(): void;
  close(): Promise<void>;
}

const ORDERS: Record<string, object> = {
  'ord-1001': { id: 'ord-1001', status: 'shipped', total: 42.5, items: [{ sku: 'BOOK-7', quantity: 1 }] },
  'ord-1002': { id: 'ord-1002', status: 'pending', total: 9.99, items: [{ sku: 'PEN-2', quantity: 3 }] },
};

/** The key POST /orders wants in X-Api-Key (the demo's local Secrets Manager serves it). */
export const ORDERS_API_KEY = 'demo-orders-key-7d3f9a';
/** The billing client's credentials the token endpoint accepts (HTTP Basic). */
export const BILLING_CLIENT = { id: 'orders-service', secret: 'demo-billing-secret-41c2e8' };

export async function startSampleApi(): Promise<SampleApi> {
  const requests: RecordedRequest[] = [];
  const shed = new Set<string>();
  const tokens = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      const [, resource, id] = url.pathname.split('/');
      if (req.method === 'GET' && resource === 'orders' && id) {
        const order = ORDERS[decodeURIComponent(id)];
        if (!order) return json(404, { error: 'order not found', id: decodeURIComponent(id) });
        const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
        return json(200, fields.length ? Object.fromEntries(Object.entries(order).filter(([k]) => fields.includes(k))) : order);
      }
      if (req.method === 'POST' && url.pathname === '/orders') {
        if (req.headers['x-api-key'] !== ORDERS_API_KEY) return json(401, { error: 'missing or wrong X-Api-Key' });
        let order: unknown;
        try {
          order = JSON.parse(body);
        } catch {
          return json(400, { error: 'body is not JSON' });
        }
        return json(201, { id: `ord-${2000 + requests.length}`, status: 'created', order }, { location: '/orders/new' });
      }
      if (req.method === 'GET' && resource === 'inventory' && id) {
        // Sheds load on the first request for each SKU, as a busy service would.
        if (!shed.has(id)) {
          shed.add(id);
          return json(503, { error: 'busy, try again' }, { 'retry-after': '1' });
        }
        return json(200, { sku: decodeURIComponent(id), available: 17 });
      }
      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const basic = `Basic ${Buffer.from(`${BILLING_CLIENT.id}:${BILLING_CLIENT.secret}`).toString('base64')}`;
        if (req.headers.authorization !== basic || new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
          return json(401, { error: 'invalid_client' });
        }
        const token = `demo-token-${requests.length}-${Math.random().toString(36).slice(2)}`;
        tokens.add(token);
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      if (req.method === 'GET' && url.pathname === '/invoices') {
        if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return json(401, { error: 'invalid_token' });
        return json(200, { customer: url.searchParams.get('customer'), invoices: [{ id: 'inv-7', total: 42.5 }] });
      }
      if (req.method === 'POST' && resource === 'services') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      return json(404, { error: 'no such route' });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    count: p => requests.filter(r => r.path === p).length,
    revokeTokens: () => tokens.clear(),
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
