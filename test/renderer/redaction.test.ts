// No secret leaves the renderer: not in any field of the log line (host, path and query
// included), not in an error's message, stack or cause, not in the returned response, in any of
// the encodings templates are told to use (urlencode, tojson) or that carry it (base64, as in
// Basic credentials), whichever part of the request it was rendered into. Secrets are generated;
// the API on 127.0.0.1 echoes everything it receives, as a debugging endpoint would.
import fc from 'fast-check';
import { getItemOutput, type PlainItem } from './helpers/items';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { startHttpServer, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { pyJsonString, pyQuote } from '../../lambda-src/renderer/python-values';
import { REDACTED, Redactor } from '../../lambda-src/renderer/redaction';

const SECRET_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789', '-', '.', '/', '+', '=', ' ', '"', "'", '\\', '&', '<', '>', '?', '#', '%', 'é', 'ü', 'ß', '€', '\u{1F511}', '\n'];
const secretArbitrary = fc.array(fc.constantFrom(...SECRET_CHARS), { minLength: 8, maxLength: 24 }).map((chars) => chars.join(''))
  .filter((secret) => secret.trim() === secret && secret.length >= 8);
const hostSecretArbitrary = fc.stringMatching(/^[a-z][a-z0-9]{7,20}$/);

/** Every way the secret can be spelled in the output: computed here from first principles. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, encodeURIComponent(secret), pyQuote(secret, true), pyQuote(secret, false), json, pyJsonString(secret).slice(1, -1),
    JSON.stringify(json).slice(1, -1), Buffer.from(secret).toString('base64').replace(/=+$/, '')]
    .filter((form) => form.length >= 4);
}

/** 6-character windows of base64 text that only the secret's bytes determine, at every alignment. */
function base64Windows(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const windows: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.from('u:'.repeat(3).slice(0, offset)), bytes, Buffer.from('~~~')]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    for (let start = first; start + 6 <= last; start += 6) windows.push(encoded.slice(start, start + 6));
  }
  return windows;
}

function expectNoSecret(text: string, secret: string): void {
  for (const form of [...spellings(secret), ...base64Windows(secret)]) {
    expect(text).not.toContain(form);
  }
}

describe('Redactor', () => {
  test('removes a generated secret in every spelling, wherever it sits in a text', () => {
    fc.assert(fc.property(secretArbitrary, fc.string(), fc.string(), (secret, before, after) => {
      const redactor = new Redactor([secret]);
      for (const form of spellings(secret)) {
        expectNoSecret(redactor.text(`${before}${form}${after}`), secret);
      }
      for (const prefix of ['', 'u', 'us', 'user:']) {
        expectNoSecret(redactor.text(Buffer.from(`${prefix}${secret}${after}`).toString('base64')), secret);
      }
    }), { numRuns: 300 });
  });

  test('redacts values (keys too), errors with their causes, and leaves other text alone', () => {
    const redactor = new Redactor(['s3cr3t-value']);
    expect(redactor.value({ 's3cr3t-value': ['x s3cr3t-value'], 'n': 1 })).toEqual({ [REDACTED]: [`x ${REDACTED}`], n: 1 });
    const error = new Error('outer s3cr3t-value', { cause: new Error('inner s3cr3t-value') });
    redactor.error(error);
    expect(`${error.message} ${error.stack} ${(error.cause as Error).message} ${(error.cause as Error).stack}`).not.toContain('s3cr3t-value');
    expect(redactor.text('nothing secret here')).toBe('nothing secret here');
    expect(new Redactor(['abc']).text('abc')).toBe('abc'); // too short to redact safely
  });
});

describe('through the handler, every output path', () => {
  let api: TestServer;
  let logs: CapturedLogs;

  beforeAll(async () => {
    api = await startHttpServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-echo-url': encodeURI(request.url), 'x-echo-auth': String(request.headers.authorization ?? '') });
      response.end(JSON.stringify({ url: request.url, headers: request.headers, body: request.body }));
    });
  });

  afterAll(async () => {
    await api.close();
    await closeHttpAgent();
  });

  beforeEach(() => {
    process.env.ALLOW_PRIVATE_NETWORKS = 'true';
    process.env.SECRET_PARAM_NAMES = 'token';
    resetRendererConfig();
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
    delete process.env.ALLOW_PRIVATE_NETWORKS;
    delete process.env.SECRET_PARAM_NAMES;
    resetRendererConfig();
  });

  /** Calls the handler; returns everything that left it, as text. */
  async function outputs(item: PlainItem, secret: string): Promise<string> {
    logs.lines.splice(0);
    let left: string;
    try {
      left = JSON.stringify(await handler({ template: getItemOutput(item), params: { token: secret, other: 'x' } }));
    } catch (error) {
      const { message, stack, cause } = error as Error;
      left = JSON.stringify({ message, stack, cause: String(cause) });
    }
    return `${left}\n${JSON.stringify(logs.lines)}`;
  }

  const TEMPLATES: Array<[string, (url: string) => PlainItem]> = [
    ['path', (url) => ({ SK: 'GET', url: `${url}/users/{{ token | urlencode }}` })],
    ['query', (url) => ({ SK: 'GET', url: `${url}/?q={{ token | urlencode }}&r={{ {'k': token} | urlencode }}` })],
    ['header', (url) => ({ SK: 'GET', url: `${url}/`, headers: { 'X-Token': '{{ token | replace("\\n", " ") }}', 'X-Plain': 'Bearer {{ token | urlencode }}' } })],
    ['basic credentials', (url) => ({ SK: 'GET', url: `${url}/`, headers: { Authorization: "Basic {{ ('svc:' ~ token) | b64encode }}" } })],
    ['JSON body', (url) => ({ SK: 'POST', url: `${url}/`, payload: '{"t": {{ token | tojson }}, "n": {{ {"k": [token]} | tojson }}}' })],
    ['base64 body', (url) => ({ SK: 'POST', url: `${url}/`, payload: '{{ token | b64encode }}' })],
    ['text body', (url) => ({ SK: 'PUT', url: `${url}/`, payload: 'token={{ token }}' })],
    ['an undefined computed attribute', (url) => ({ SK: 'GET', url: `${url}/{{ other[token] }}` })],
    ['a sandbox violation with a computed key', (url) => ({ SK: 'GET', url: `${url}/{{ range[token | reverse] }}` })],
    ['a computed forbidden key', (url) => ({ SK: 'GET', url: `${url}/{{ other['__' ~ token] }}` })],
    ['an unknown URL scheme', () => ({ SK: 'GET', url: '{{ token | urlencode }}://x/' })],
    ['an invalid URL', () => ({ SK: 'GET', url: 'http://[{{ token | urlencode }}/' })],
  ];

  test.each(TEMPLATES)('a secret rendered into the %s leaves nowhere', async (_, build) => {
    for (const secret of fc.sample(secretArbitrary, { numRuns: 12, seed: 42 })) {
      expectNoSecret(await outputs(build(api.url), secret), secret);
    }
  });

  test('a secret in the host: not in the log line\'s host, the error, or its cause', async () => {
    for (const secret of fc.sample(hostSecretArbitrary, { numRuns: 8, seed: 7 })) {
      const text = await outputs({ SK: 'GET', url: 'http://{{ token }}.invalid/' }, secret);
      expectNoSecret(text, secret);
      expect(logs.lines[0]).toMatchObject({ host: `${REDACTED}.invalid`, error: 'ApiConnectionError' });
    }
  });

  test('the echoed secret is redacted in the result, and the rest of the response is intact', async () => {
    const secret = 'tok-Zx81Qm0Lp9';
    const result = await handler({ template: getItemOutput({ SK: 'GET', url: `${api.url}/users/{{ token }}?keep=1` }), params: { token: secret } });
    expect(result.statusCode).toBe(200);
    expect((result.body as { url: string }).url).toBe(`/users/${REDACTED}?keep=1`);
    expect(result.headers['x-echo-url']).toBe(`/users/${REDACTED}?keep=1`);
  });
});
