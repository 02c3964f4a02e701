// The token request itself, against a loopback token endpoint: the form RFC 6749 asks for, the
// lifetime, and each way a token endpoint can fail mapped to its named error.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { DEFAULT_TOKEN_LIFETIME_MS, requestToken } from '../../lambda-src/renderer/auth/oauth2';
import type { OAuth2Profile } from '../../lambda-src/renderer/auth/profiles';
import { readConfig, resetRendererConfig } from '../../lambda-src/renderer/config';
import { closeHttpAgent } from '../../lambda-src/renderer/http-client';
import { ApiAuthKind, ClientCredentialsMethod } from '../../src';

let answer: { status: number; body: string; contentType?: string } = { status: 200, body: '{}' };
const received: Array<{ body: string; authorization?: string }> = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    received.push({ body: Buffer.concat(chunks).toString(), authorization: req.headers.authorization });
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
    res.end(answer.body);
  });
});
let profile: OAuth2Profile;
const config = readConfig({ ALLOW_PRIVATE_NETWORKS: 'true' });

// The HTTP client guards connections with the function's own configuration (its environment).
const saved = process.env.ALLOW_PRIVATE_NETWORKS;
function allowPrivateNetworks(allow: boolean): void {
  process.env.ALLOW_PRIVATE_NETWORKS = String(allow);
  resetRendererConfig();
}

beforeAll(async () => {
  allowPrivateNetworks(true);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  profile = {
    kind: ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS,
    tokenUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    clientId: 'client id&1',
    clientSecret: { arn: 'arn:x' },
    scopes: ['a', 'b:c'],
    audience: 'https://api.example.com',
    extraParameters: { resource: 'r1' },
    sendCredentials: ClientCredentialsMethod.BASIC_HEADER,
  };
});
afterAll(async () => {
  if (saved === undefined) delete process.env.ALLOW_PRIVATE_NETWORKS;
  else process.env.ALLOW_PRIVATE_NETWORKS = saved;
  resetRendererConfig();
  await closeHttpAgent();
  server.closeAllConnections();
  await new Promise<void>(resolve => server.close(() => resolve()));
});
beforeEach(() => { received.length = 0; });

test('the form, Basic credentials form-encoded first (RFC 6749 2.3.1), and the lifetime', async () => {
  answer = { status: 200, body: JSON.stringify({ access_token: 'tok', token_type: 'bearer', expires_in: '120' }) };
  expect(await requestToken(profile, 's3cret:+/', config, 1000)).toEqual({ accessToken: 'tok', lifetimeMs: 120_000 });
  const form = new URLSearchParams(received[0].body);
  expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', scope: 'a b:c', audience: 'https://api.example.com', resource: 'r1' });
  expect(Buffer.from(received[0].authorization!.replace('Basic ', ''), 'base64').toString()).toBe('client+id%261:s3cret%3A%2B%2F');
});

test('without expires_in the token lives the default lifetime', async () => {
  answer = { status: 200, body: JSON.stringify({ access_token: 'tok' }) };
  expect((await requestToken(profile, 's', config, 1000)).lifetimeMs).toBe(DEFAULT_TOKEN_LIFETIME_MS);
});

test.each([
  [429, '{"error":"slow_down"}', 'AuthenticationUnavailableError', /answered 429 \(slow_down\)$/],
  [503, 'busy', 'AuthenticationUnavailableError', /answered 503$/],
  [400, '{"error":"invalid_scope"}', 'AuthenticationError', /answered 400 \(invalid_scope\)$/],
  [403, '{"error":"a code with spaces and the secret s"}', 'AuthenticationError', /answered 403$/],
  [200, '{"token":"x"}', 'AuthenticationError', /answered 200 without a usable access_token$/],
  [200, '{"access_token":"x","token_type":"mac"}', 'AuthenticationError', /issued a token of type mac; only Bearer tokens are supported$/],
])('%i %s is %s', async (status, body, name, message) => {
  answer = { status, body };
  await expect(requestToken(profile, 's', config, 1000)).rejects.toMatchObject({ name, message: expect.stringMatching(message) });
});

test('plain http needs private networks allowed; a blocked address is BlockedDestinationError', async () => {
  const strict = readConfig({});
  await expect(requestToken(profile, 's', strict, 1000)).rejects.toMatchObject({ name: 'AuthenticationError', message: expect.stringMatching(/must be https$/) });
  allowPrivateNetworks(false);
  try {
    await expect(requestToken({ ...profile, tokenUrl: profile.tokenUrl.replace('http:', 'https:') }, 's', strict, 1000))
      .rejects.toMatchObject({ name: 'BlockedDestinationError' });
  } finally {
    allowPrivateNetworks(true);
  }
  expect(received).toHaveLength(0);
});

test('a token endpoint outside ALLOWED_HOSTS is refused before it is called', async () => {
  const limited = readConfig({ ALLOW_PRIVATE_NETWORKS: 'true', ALLOWED_HOSTS: 'api.example.com' });
  await expect(requestToken(profile, 's', limited, 1000)).rejects.toMatchObject({ name: 'BlockedDestinationError' });
  expect(received).toHaveLength(0);
});
