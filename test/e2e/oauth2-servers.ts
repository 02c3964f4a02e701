// A loopback OAuth2 token endpoint (client credentials, HTTP Basic or form credentials) and an
// API that accepts only the tokens it issued and has not revoked. Both record every request.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface TokenAnswer {
  readonly status: number;
  readonly body?: unknown;
}

export class OAuth2Servers {
  public static async start(clientId: string, clientSecret: string): Promise<OAuth2Servers> {
    const servers = new OAuth2Servers(clientId, clientSecret);
    await new Promise<void>(resolve => servers.server.listen(0, '127.0.0.1', resolve));
    return servers;
  }

  /** Token requests: their form and Authorization header. */
  public readonly tokenRequests: Array<{ form: URLSearchParams; authorization?: string }> = [];
  /** API requests: the Authorization header each carried and the status answered. */
  public readonly apiRequests: Array<{ authorization?: string; status: number; headers: http.IncomingHttpHeaders; url: string }> = [];
  /** Seconds of validity given to new tokens (`expires_in`). */
  public expiresIn = 3600;
  /** Delay of the token endpoint's answer. */
  public tokenDelayMs = 0;
  /** Answers the token endpoint gives before issuing tokens again (one per request). */
  public readonly tokenFailures: TokenAnswer[] = [];
  /** When true the API refuses every token (a client whose grant was withdrawn). */
  public refuseAll = false;
  private readonly valid = new Set<string>();
  private issued = 0;

  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/oauth/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        this.tokenRequests.push({ form, authorization: req.headers.authorization });
        setTimeout(() => {
          const failure = this.tokenFailures.shift();
          if (failure) return json(failure.status, failure.body ?? { error: 'server_error' });
          const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
          const viaBody = form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret;
          if (form.get('grant_type') !== 'client_credentials' || (req.headers.authorization !== expected && !viaBody)) {
            return json(401, { error: 'invalid_client' });
          }
          const token = `access-token-${++this.issued}-${Math.random().toString(36).slice(2)}`;
          this.valid.add(token);
          return json(200, { access_token: token, token_type: 'Bearer', expires_in: this.expiresIn });
        }, this.tokenDelayMs);
        return;
      }
      const authorization = req.headers.authorization;
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const status = token !== undefined && this.valid.has(token) && !this.refuseAll ? 200 : 401;
      this.apiRequests.push({ authorization, status, headers: req.headers, url: req.url ?? '' });
      if (status !== 200) return json(status, { error: 'invalid_token' });
      // /pages?page=N: three pages, each linking the next.
      const page = Number(url.searchParams.get('page') ?? 1);
      if (url.pathname === '/pages') return json(200, { items: [`item-${page}`], next: page < 3 ? `${this.origin}/pages?page=${page + 1}` : '' });
      return json(200, { invoices: [{ id: 'inv-1' }] });
    });
  });

  private constructor(private readonly clientId: string, private readonly clientSecret: string) {}

  public get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The tokens issued so far. */
  public get tokensIssued(): number {
    return this.issued;
  }

  /** Revokes every token issued so far (the API answers 401 to them). */
  public revokeAll(): void {
    this.valid.clear();
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}
