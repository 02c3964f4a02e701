// Secrets Manager references in templates, against a fake Secrets Manager on 127.0.0.1 that
// speaks the GetSecretValue JSON protocol; the SDK client finds it through the standard
// AWS_ENDPOINT_URL_SECRETS_MANAGER variable.
import { getItemOutput, type PlainItem } from './helpers/items';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { startHttpServer, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig, resetSecretsCache } from '../../lambda-src/renderer/index';
import { usedSecretNames } from '../../lambda-src/renderer/secrets';

const API_KEY = 'sk-live-4f9a8b7c6d5e';
const TOKEN = 'tok_Zx81Qm0Lp9';
const ARNS = {
  apiKey: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf',
  creds: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:creds-GhIjKl',
  unused: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:unused-MnOpQr',
};
const VALUES: Record<string, string> = {
  [ARNS.apiKey]: API_KEY,
  [ARNS.creds]: JSON.stringify({ token: TOKEN, user: 'svc-reporting', port: 8443 }),
  [ARNS.unused]: 'never-fetched-value',
};

let secretsManager: TestServer;
let api: TestServer;
let logs: CapturedLogs;
/** SecretIds asked for, in order. */
let fetched: string[];
let failWith: { status: number; type: string } | undefined;

beforeAll(async () => {
  secretsManager = await startHttpServer((request, response) => {
    const target = request.headers['x-amz-target'];
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    fetched.push(SecretId);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    if (target !== 'secretsmanager.GetSecretValue' || request.method !== 'POST' || request.url !== '/') {
      reply(400, { __type: 'UnknownOperationException', message: `unexpected ${request.method} ${request.url} ${target}` });
    } else if (failWith !== undefined) {
      reply(failWith.status, { __type: failWith.type, message: `Secrets Manager can't find the specified secret ${VALUES[SecretId]}` });
    } else {
      reply(200, { ARN: SecretId, Name: SecretId.split(':').pop(), SecretString: VALUES[SecretId], VersionId: 'v1' });
    }
  });
  // Echoes what it received, as a debugging endpoint would: the renderer must not pass secrets on.
  api = await startHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-echo-auth': String(request.headers.authorization ?? '') });
    response.end(JSON.stringify({ url: request.url, authorization: request.headers.authorization, body: request.body }));
  });
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManager.url;
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
});

afterAll(async () => {
  for (const name of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[name];
  await Promise.all([secretsManager.close(), api.close()]);
  await closeHttpAgent();
});

beforeEach(() => {
  process.env.ALLOW_PRIVATE_NETWORKS = 'true';
  process.env.SECRET_ARNS = JSON.stringify(ARNS);
  resetRendererConfig();
  resetSecretsCache();
  fetched = [];
  failWith = undefined;
  api.requests.splice(0);
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
  jest.restoreAllMocks();
  for (const name of ['ALLOW_PRIVATE_NETWORKS', 'SECRET_ARNS', 'SECRETS_CACHE_TTL_SECONDS', 'SECRET_PARAM_NAMES']) delete process.env[name];
  resetRendererConfig();
  resetSecretsCache();
});

function call(item: Omit<PlainItem, 'SK'> & { SK?: string }, params: object = {}) {
  return handler({ template: getItemOutput({ SK: 'GET', ...item }), params });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('resolving secrets', () => {
  test('plain and JSON secrets render into url, headers and payload; only the named ones are fetched', async () => {
    await call({
      SK: 'POST',
      url: `${api.url}/users/{{ secrets.creds.user }}?id={{ id }}`,
      headers: { Authorization: 'Bearer {{ secrets.apiKey }}' },
      payload: '{"token": {{ secrets["creds"].token | tojson }}, "port": {{ secrets.creds.port }}}',
    }, { id: 7 });
    expect(api.requests[0]).toMatchObject({
      url: '/users/svc-reporting?id=7',
      headers: expect.objectContaining({ authorization: `Bearer ${API_KEY}` }),
      body: `{"token": "${TOKEN}", "port": 8443}`,
    });
    expect(fetched.sort()).toEqual([ARNS.apiKey, ARNS.creds]);
  });

  test('a template without secrets fetches nothing, even with "secrets" in its literal text', async () => {
    await call({ url: `${api.url}/config/secrets.json` });
    expect(fetched).toEqual([]);
  });

  test('reaching secrets dynamically fetches every configured secret', async () => {
    await call({ url: `${api.url}/?n={{ secrets | length }}&k={{ secrets[which] | length }}` }, { which: 'apiKey' });
    expect(fetched.sort()).toEqual(Object.values(ARNS).sort());
    expect(api.requests[0].url).toBe(`/?n=3&k=${API_KEY.length}`);
  });

  test('a secret that is not configured is a TemplateRenderError naming it and the configured ones', async () => {
    const error = await failure(call({ url: `${api.url}/{{ secrets.nope }}` }));
    expect(error).toMatchObject({ name: 'TemplateRenderError', message: 'secrets.nope is not a configured secret (configured: apiKey, creds, unused)' });
    expect(fetched).toEqual([]);
  });

  test('without SECRET_ARNS a secret reference fails the same way and nothing is fetched', async () => {
    delete process.env.SECRET_ARNS;
    resetRendererConfig();
    const error = await failure(call({ url: `${api.url}/{{ secrets.apiKey }}` }));
    expect(error).toMatchObject({ name: 'TemplateRenderError', message: 'secrets.apiKey is not a configured secret (configured: none)' });
    expect(fetched).toEqual([]);
  });

  test('Secrets Manager refusing is a SecretUnavailableError naming the secret, not quoting the service', async () => {
    failWith = { status: 400, type: 'ResourceNotFoundException' };
    const error = await failure(call({ url: `${api.url}/{{ secrets.apiKey }}` }));
    expect(error.name).toBe('SecretUnavailableError');
    expect(error.message).toBe('secrets.apiKey: GetSecretValue failed with ResourceNotFoundException (HTTP 400)');
    expect(api.requests).toHaveLength(0);
  });
});

describe('the cache', () => {
  test('reuses a value within the TTL (default 5 minutes) and fetches again after it', async () => {
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const item = { url: `${api.url}/`, headers: { Authorization: '{{ secrets.apiKey }}' } };
    await call(item);
    await call(item);
    clock.mockReturnValue(now + 299_000);
    await call(item);
    expect(fetched).toEqual([ARNS.apiKey]);
    clock.mockReturnValue(now + 301_000);
    await call(item);
    expect(fetched).toEqual([ARNS.apiKey, ARNS.apiKey]);
  });

  test('SECRETS_CACHE_TTL_SECONDS sets the TTL; 0 fetches on every call', async () => {
    process.env.SECRETS_CACHE_TTL_SECONDS = '0';
    resetRendererConfig();
    const item = { url: `${api.url}/`, headers: { Authorization: '{{ secrets.apiKey }}' } };
    await call(item);
    await call(item);
    expect(fetched).toEqual([ARNS.apiKey, ARNS.apiKey]);
  });

  test('concurrent calls share one fetch', async () => {
    const item = { url: `${api.url}/`, headers: { Authorization: '{{ secrets.apiKey }}' } };
    await Promise.all([call(item), call(item), call(item)]);
    expect(fetched).toEqual([ARNS.apiKey]);
  });

  test('a failed fetch is not cached', async () => {
    failWith = { status: 400, type: 'AccessDeniedException' };
    const item = { url: `${api.url}/`, headers: { Authorization: '{{ secrets.apiKey }}' } };
    await failure(call(item));
    failWith = undefined;
    await call(item);
    expect(api.requests).toHaveLength(1);
  });
});

describe('redaction', () => {
  const secretTexts = [API_KEY, TOKEN, 'svc-reporting', VALUES[ARNS.creds]];

  test('no log line holds a secret value, and the returned response has them replaced', async () => {
    const result = await call({
      SK: 'POST',
      url: `${api.url}/u/{{ secrets.creds.user }}`,
      headers: { 'Authorization': 'Bearer {{ secrets.apiKey }}', 'X-Plain': 'literal' },
      payload: '{{ secrets.creds.token }}',
    });
    const captured = JSON.stringify(logs.lines);
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const secret of secretTexts) expect(captured).not.toContain(secret);
    const output = JSON.stringify(result);
    for (const secret of secretTexts) expect(output).not.toContain(secret);
    expect(result.headers['x-echo-auth']).toBe('Bearer [REDACTED]');
    expect(result.body).toEqual({ url: '/u/[REDACTED]', authorization: 'Bearer [REDACTED]', body: '[REDACTED]' });
  });

  test('errors about rendered values never quote them (the message becomes the execution Cause)', async () => {
    const error = await failure(call({ url: `${api.url}/{{ secrets.apiKey }}`, headers: { 'X-Bad': '{{ secrets.apiKey }}\n{{ 1 }}' } }));
    expect(error.name).toBe('InvalidTemplateError');
    for (const secret of secretTexts) {
      expect(error.message).not.toContain(secret);
      expect(error.stack ?? '').not.toContain(secret);
    }
    expect(JSON.stringify(logs.lines)).not.toContain(API_KEY);
  });

  test('the URL scheme error does not quote the rendered scheme', async () => {
    const error = await failure(call({ url: '{{ secrets.creds.user }}://x/' }));
    expect(error.message).toBe('url: the rendered url must be http or https');
  });
});

describe('params cannot reach secrets', () => {
  test('a param named secrets is refused with InvalidTemplateError before anything is fetched or sent', async () => {
    const error = await failure(call({ url: `${api.url}/{{ secrets.apiKey }}` }, { secrets: { apiKey: 'attacker' } }));
    expect(error).toMatchObject({ name: 'InvalidTemplateError', message: 'params.secrets is reserved for the configured secrets' });
    expect(fetched).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  test('template syntax inside a param value is data: rendered once, never evaluated', async () => {
    await call({ SK: 'POST', url: `${api.url}/q?v={{ v | urlencode }}`, payload: '{{ v }}|{{ w }}' }, {
      v: '{{ secrets.apiKey }}',
      w: "{{ '{{' }} 7 * 7 }}{% for x in range(3) %}x{% endfor %}",
    });
    expect(fetched).toEqual([]);
    expect(api.requests[0].body).toBe("{{ secrets.apiKey }}|{{ '{{' }} 7 * 7 }}{% for x in range(3) %}x{% endfor %}");
    expect(decodeURIComponent(api.requests[0].url)).toBe('/q?v={{ secrets.apiKey }}');
  });
});

describe('usedSecretNames', () => {
  const configured = new Map(Object.entries(ARNS));
  test.each([
    [['{{ secrets.apiKey }}'], ['apiKey']],
    [["{{ secrets['creds'].token }}", '{% if secrets.apiKey %}x{% endif %}'], ['creds', 'apiKey']],
    [['{{ x.secrets.apiKey }}', '{{ my_secrets }}', 'secrets.apiKey (literal)'], []],
    [['{% for k, v in secrets.items() %}{% endfor %}'], ['apiKey', 'creds', 'unused']],
    [['{{ secrets.apiKey }}{{ secrets | length }}'], ['apiKey', 'creds', 'unused']],
  ])('%j → %j', (sources, names) => {
    expect(usedSecretNames(sources, configured)).toEqual(names);
  });
});
