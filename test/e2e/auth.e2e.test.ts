// Authentication profiles end to end: the synthesized state machine run locally, the renderer's
// bundle in-process, a real loopback token endpoint and an API that checks Authorization.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { localCaller, stateNames } from './harness';
import { OAuth2Servers } from './oauth2-servers';
import { LocalWorkflowRunner } from '../../cli-src/local-runner';
import { ApiAuth, ApiTemplate, AuthSecret, ClientCredentialsMethod, HttpMethod, TemplatedApiCallerProps } from '../../src';

const CLIENT_ID = 'billing-client';
const CLIENT_SECRET = 'client-s3cret-Zq81vX';
const INPUT = { templateName: 'get-invoices', method: 'GET', params: {} };

let servers: OAuth2Servers;
beforeEach(async () => { servers = await OAuth2Servers.start(CLIENT_ID, CLIENT_SECRET); });
afterEach(() => servers.close());

/** A caller with one OAuth2 profile and one template using it, run locally (a fresh execution environment). */
async function oauth2Caller(props: { sendCredentials?: ClientCredentialsMethod } = {}): Promise<LocalWorkflowRunner> {
  return localCaller(stack => ({
    auth: {
      billing: ApiAuth.oauth2ClientCredentials({
        tokenUrl: `${servers.origin}/oauth/token`,
        clientId: CLIENT_ID,
        clientSecret: AuthSecret.fromJsonField(secretsmanager.Secret.fromSecretNameV2(stack, 'Billing', 'billing/client'), 'clientSecret'),
        scopes: ['invoices:read', 'invoices:list'],
        sendCredentials: props.sendCredentials,
      }),
    },
    templates: [ApiTemplate.of({ name: 'get-invoices', method: HttpMethod.GET, url: `${servers.origin}/invoices`, auth: 'billing' })],
  }), { secretValues: { 'billing.clientSecret': JSON.stringify({ clientSecret: CLIENT_SECRET }) } });
}

/** Every value that must never be logged or returned: the client secret, its JSON, every token. */
function secretsIn(runnerLogs: string[], output: unknown): string[] {
  const tokens = servers.apiRequests.map(r => r.authorization?.replace(/^Bearer /, '')).filter((t): t is string => t !== undefined);
  const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
  const text = runnerLogs.join('\n') + JSON.stringify(output ?? null);
  return [CLIENT_SECRET, basic, ...tokens].filter(value => text.includes(value));
}

describe('OAuth2 client credentials', () => {
  test('ten executions fetch one token, send it every time, and log no secret or token', async () => {
    const runner = await oauth2Caller();
    try {
      const logs: string[] = [];
      for (let i = 0; i < 10; i++) {
        const record = await runner.execute(INPUT);
        expect(record).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 4 });
        logs.push(...record.logs, JSON.stringify(record.output));
      }
      expect(servers.tokensIssued).toBe(1);
      expect(servers.tokenRequests).toHaveLength(1);
      const [request] = servers.tokenRequests;
      expect(request.form.get('grant_type')).toBe('client_credentials');
      expect(request.form.get('scope')).toBe('invoices:read invoices:list');
      expect(request.form.get('client_secret')).toBeNull(); // sent in the Basic header (the default)
      expect(servers.apiRequests).toHaveLength(10);
      expect(new Set(servers.apiRequests.map(r => r.authorization)).size).toBe(1);
      expect(servers.apiRequests.every(r => r.status === 200)).toBe(true);
      expect(logs.length).toBeGreaterThanOrEqual(20);
      expect(secretsIn(logs, undefined)).toEqual([]);
    } finally {
      await runner.close();
    }
    // The first synth and the runner's start take most of it; more on a loaded machine.
  }, 90_000);

  test('credentials in the form body when sendCredentials says so', async () => {
    const runner = await oauth2Caller({ sendCredentials: ClientCredentialsMethod.REQUEST_BODY });
    try {
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect(servers.tokenRequests[0].authorization).toBeUndefined();
      expect(servers.tokenRequests[0].form.get('client_id')).toBe(CLIENT_ID);
    } finally {
      await runner.close();
    }
  });

  test('an expired token is fetched again once', async () => {
    servers.expiresIn = 1; // refreshed 0.1 s before its second is up
    const runner = await oauth2Caller();
    try {
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect(servers.tokensIssued).toBe(1);
      await new Promise(resolve => setTimeout(resolve, 1000));
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect(servers.tokensIssued).toBe(2);
      expect(servers.apiRequests.map(r => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      await runner.close();
    }
  });

  test('concurrent invocations share one token request', async () => {
    servers.tokenDelayMs = 300;
    const runner = await oauth2Caller();
    try {
      const records = await Promise.all(Array.from({ length: 6 }, () => runner.execute(INPUT)));
      expect(records.map(r => r.status)).toEqual(Array(6).fill('SUCCEEDED'));
      expect(servers.tokenRequests).toHaveLength(1);
      expect(servers.apiRequests).toHaveLength(6);
    } finally {
      await runner.close();
    }
  });

  test('a 401 mid-way: one token refetch and one retried call; a second 401 ends in ApiCallFailed', async () => {
    const runner = await oauth2Caller();
    try {
      for (let i = 0; i < 3; i++) expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      servers.revokeAll();
      const refreshed = await runner.execute(INPUT);
      expect(refreshed).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 4 });
      expect(servers.tokensIssued).toBe(2);
      expect(servers.apiRequests.map(r => r.status)).toEqual([200, 200, 200, 401, 200]);
      // The new token serves the next executions.
      expect((await runner.execute(INPUT)).status).toBe('SUCCEEDED');
      expect(servers.tokensIssued).toBe(2);

      servers.refuseAll = true;
      const refused = await runner.execute(INPUT);
      expect(refused).toMatchObject({ status: 'FAILED', error: 'ApiCallFailed' });
      expect(servers.tokensIssued).toBe(3);
      expect(servers.apiRequests.slice(6).map(r => r.status)).toEqual([401, 401]);
      expect(stateNames(refused)).toEqual(['FetchTemplate', 'CallApi', 'CheckStatus', 'ApiCallFailed', 'Failed']);
      expect(secretsIn(refused.logs, refused.output)).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  test('every page of a paginated call carries the token', async () => {
    const runner = await localCaller(stack => ({
      auth: {
        billing: ApiAuth.oauth2ClientCredentials({
          tokenUrl: `${servers.origin}/oauth/token`,
          clientId: CLIENT_ID,
          clientSecret: AuthSecret.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'Billing', 'billing/client')),
        }),
      },
      templates: [ApiTemplate.of({
        name: 'pages',
        method: HttpMethod.GET,
        url: `${servers.origin}/pages`,
        auth: 'billing',
        pagination: { items: '{{ response.body.items | tojson }}', next: '{{ response.body.next }}' },
      })],
    }), { secretValues: { 'billing.clientSecret': CLIENT_SECRET } });
    try {
      const record = await runner.execute({ templateName: 'pages', method: 'GET' });
      expect(record.status).toBe('SUCCEEDED');
      expect((record.output as any).response.body).toMatchObject({ items: ['item-1', 'item-2', 'item-3'], pages: 3 });
      expect(servers.apiRequests.map(r => [r.url, r.status])).toEqual([['/pages', 200], ['/pages?page=2', 200], ['/pages?page=3', 200]]);
      expect(servers.tokenRequests).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });

  test('the token endpoint answering 500 is retried by the workflow', async () => {
    servers.tokenFailures.push({ status: 500 });
    const runner = await oauth2Caller();
    try {
      const record = await runner.execute(INPUT);
      expect(record.status).toBe('SUCCEEDED');
      const attempts = record.states.filter(s => s.name === 'CallApi');
      expect(attempts.map(s => s.error)).toEqual(['AuthenticationUnavailableError', undefined]);
      expect(servers.tokenRequests).toHaveLength(2);
    } finally {
      await runner.close();
    }
  });

  test.each([400, 401])('the token endpoint answering %i is AuthenticationError, not retried', async (status) => {
    servers.tokenFailures.push({ status, body: { error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` } });
    const runner = await oauth2Caller();
    try {
      const record = await runner.execute(INPUT);
      expect(record).toMatchObject({ status: 'FAILED', error: 'AuthenticationError' });
      expect(JSON.parse(record.cause!).errorMessage).toBe(`the token endpoint ${new URL(servers.origin).host} answered ${status} (invalid_client)`);
      expect(record.states.filter(s => s.name === 'CallApi')).toHaveLength(1);
      expect(servers.apiRequests).toHaveLength(0);
      expect(secretsIn(record.logs, record.output)).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  test('a token endpoint that cannot be reached is AuthenticationUnavailableError, retried, then the execution fails with it', async () => {
    const closed = http.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    const runner = await localCaller(stack => ({
      auth: {
        billing: ApiAuth.oauth2ClientCredentials({
          tokenUrl: `http://127.0.0.1:${port}/oauth/token`,
          clientId: CLIENT_ID,
          clientSecret: AuthSecret.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'Billing', 'billing/client')),
        }),
      },
      templates: [ApiTemplate.of({ name: 'get-invoices', method: HttpMethod.GET, url: `${servers.origin}/invoices`, auth: 'billing' })],
    }), { secretValues: { 'billing.clientSecret': CLIENT_SECRET } });
    try {
      const record = await runner.execute(INPUT);
      expect(record).toMatchObject({ status: 'FAILED', error: 'AuthenticationUnavailableError' });
      expect(record.states.filter(s => s.name === 'CallApi')).toHaveLength(4); // the default 3 retries
    } finally {
      await runner.close();
    }
  });
});

describe('every profile kind in a local run', () => {
  test('basic, bearer, API key (header and query) and SigV4 send what they should, and nothing is logged', async () => {
    const values = { 'partner.password': 'pa55-w0rd-basic', 'legacy.token': 'static-bearer-token-9', 'search.value': 'search-key-123', 'maps.value': 'maps-key-456' };
    const props = (stack: import('aws-cdk-lib').Stack): TemplatedApiCallerProps => {
      const secret = (id: string) => AuthSecret.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, id, id));
      const template = (name: string, auth: string) => ApiTemplate.of({ name, method: HttpMethod.GET, url: `${servers.origin}/${name}?q=1`, auth, headers: { Authorization: 'from the template' } });
      return {
        auth: {
          partner: ApiAuth.basic({ username: 'partner-user', password: secret('partner') }),
          legacy: ApiAuth.bearer({ token: secret('legacy') }),
          search: ApiAuth.apiKey({ value: secret('search') }),
          maps: ApiAuth.apiKey({ value: secret('maps'), queryParameter: 'key' }),
          aws: ApiAuth.awsSigV4({ service: 'execute-api' }),
        },
        templates: [template('basic', 'partner'), template('bearer', 'legacy'), template('header-key', 'search'), template('query-key', 'maps'), template('sigv4', 'aws')],
      };
    };
    const runner = await localCaller(props, { secretValues: values });
    try {
      const logs: string[] = [];
      for (const name of ['basic', 'bearer', 'header-key', 'query-key', 'sigv4']) {
        const record = await runner.execute({ templateName: name, method: 'GET' });
        // The API answers 401 to anything but its OAuth2 tokens: every call ends in ApiCallFailed, after sending.
        expect(record).toMatchObject({ status: 'FAILED', error: 'ApiCallFailed' });
        logs.push(...record.logs, JSON.stringify(record.output ?? null), record.cause ?? '');
      }
      const [basic, bearer, headerKey, queryKey, sigv4] = servers.apiRequests;
      expect(basic.authorization).toBe(`Basic ${Buffer.from('partner-user:pa55-w0rd-basic').toString('base64')}`);
      expect(bearer.authorization).toBe('Bearer static-bearer-token-9');
      expect(headerKey.headers['x-api-key']).toBe('search-key-123');
      expect(headerKey.authorization).toBe('from the template');
      expect(queryKey.url).toBe('/query-key?q=1&key=maps-key-456');
      expect(sigv4.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/[a-z0-9-]+\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host;[a-z0-9;-]*x-amz-date, Signature=[0-9a-f]{64}$/);
      expect(sigv4.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      const text = logs.join('\n');
      for (const value of [...Object.values(values), Buffer.from('partner-user:pa55-w0rd-basic').toString('base64')]) {
        expect(text).not.toContain(value);
      }
      // Without a --secret value the profile's call fails by name, before anything is sent.
      const before = servers.apiRequests.length;
      const runnerWithout = await localCaller(props);
      try {
        const record = await runnerWithout.execute({ templateName: 'bearer', method: 'GET' });
        expect(record).toMatchObject({ status: 'FAILED', error: 'SecretUnavailableError' });
        expect(JSON.parse(record.cause!).errorMessage).toMatch(/^auth\.legacy\.token: GetSecretValue failed/);
      } finally {
        await runnerWithout.close();
      }
      expect(servers.apiRequests.length).toBe(before);
    } finally {
      await runner.close();
    }
  });

  test('a table template naming an unknown profile fails with InvalidTemplateError, nothing sent', async () => {
    const runner = await localCaller({ auth: { aws: ApiAuth.awsSigV4({ service: 'execute-api' }) } });
    try {
      await runner.putItem({ PK: 'typo', SK: 'GET', url: `${servers.origin}/x`, auth: 'awz' });
      const record = await runner.execute({ templateName: 'typo', method: 'GET' });
      expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidTemplateError' });
      expect(JSON.parse(record.cause!).errorMessage).toBe("attribute auth names the authentication profile 'awz', which the function does not have (profiles: aws)");
      expect(servers.apiRequests).toHaveLength(0);
    } finally {
      await runner.close();
    }
  });
});
