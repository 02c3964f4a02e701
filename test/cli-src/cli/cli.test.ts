import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { App } from 'aws-cdk-lib';
import { main } from '../../../cli-src/cli';
import { LocalDynamoDb } from '../../../cli-src/local-runner';
import { buildExampleApp } from '../../../examples/app';
import { BILLING_CLIENT, startSampleApi, SampleApi } from '../../../examples/sample-api';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples', 'templates');
const CLI_BUNDLE = path.join(__dirname, '..', '..', '..', 'assets', 'cli', 'index.js');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: l => out.push(l), err: l => err.push(l), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-cli-'));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

describe('templated-api-caller (in-process)', () => {
  test('without a command: the command list and exit code 2; --help on every command', async () => {
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.out).toMatch(/Commands:\n {2}render .*\n {2}validate .*\n {2}put .*\n {2}run /);
    for (const command of ['render', 'validate', 'put', 'run']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: templated-api-caller ${command} `));
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    expect(await cli('--version')).toMatchObject({ code: 0, out: version });
  });

  test('an unknown command or option is a usage error (exit 2) with the usage', async () => {
    expect(await cli('deploy')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command 'deploy'/) });
    expect(await cli('validate', '--frobnicate', EXAMPLES)).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--frobnicate'[\s\S]*Usage: templated-api-caller validate/) });
  });

  describe('render', () => {
    test('shows the request the renderer would send', async () => {
      const params = JSON.stringify({ idempotencyKey: 'k-1', customer: 'Ada', items: [{ sku: 'A', quantity: '2' }] });
      const withoutSecret = await cli('render', path.join(EXAMPLES, 'create-order.yaml'), '--params', params);
      expect(withoutSecret).toMatchObject({ code: 1, err: expect.stringMatching(/TemplateRenderError: header X-Api-Key: .*secrets.* \(give its value with --secret name=value\)/) });
      const result = await cli('render', path.join(EXAMPLES, 'create-order.yaml'), '--params', params, '--secret', 'ordersApiKey=key-1');
      expect(result.code).toBe(0);
      const [requestLine, ...rest] = result.out.split('\n');
      expect(requestLine).toBe('POST https://api.example.com/orders');
      expect(rest).toEqual(expect.arrayContaining(['Content-Type: application/json', 'X-Api-Key: key-1', 'Idempotency-Key: k-1']));
      const body = result.out.slice(result.out.indexOf('\n\n') + 2);
      expect(JSON.parse(body)).toEqual({ customer: 'Ada', items: [{ sku: 'A', quantity: 2 }], note: null });
    });

    test('--json, and a GET carries no body', async () => {
      const result = await cli('render', path.join(EXAMPLES, 'get-order.yaml'), '--json', '--params', '{"orderId":"a b"}');
      expect(JSON.parse(result.out)).toEqual({
        method: 'GET',
        url: 'https://api.example.com/orders/a%20b?fields=id%2Cstatus',
        headers: { 'Accept': 'application/json', 'X-Request-Id': 'none' },
      });
    });

    test('a missing param is a TemplateRenderError naming the variable, exit 1', async () => {
      const result = await cli('render', path.join(EXAMPLES, 'get-order.yaml'));
      expect(result).toMatchObject({ code: 1, err: expect.stringMatching(/TemplateRenderError: url: .*orderId.* is undefined/) });
    });

    test('a JSON secret exposes its fields; a param cannot be named secrets', async () => {
      const file = tempFile('keyed.yaml', 'name: k\nmethod: GET\nurl: "https://x.example/{{ secrets.creds.user }}"\n');
      expect(await cli('render', file, '--secret', 'creds={"user":"svc"}')).toMatchObject({ code: 0, out: 'GET https://x.example/svc' });
      expect(await cli('render', file, '--params', '{"secrets":{}}')).toMatchObject({ code: 1, err: expect.stringMatching(/InvalidTemplateError: params: 'secrets' is reserved/) });
      expect(await cli('render', file, '--secret', 'oops')).toMatchObject({ code: 2, err: expect.stringMatching(/--secret oops: expected NAME=value/) });
    });

    test('--params must be a JSON object', async () => {
      expect(await cli('render', path.join(EXAMPLES, 'get-order.yaml'), '--params', '[1]')).toMatchObject({ code: 2, err: expect.stringMatching(/--params must be a JSON object/) });
    });
  });

  describe('validate', () => {
    test('accepts the example templates', async () => {
      const result = await cli('validate', EXAMPLES);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/✔ create-order POST[\s\S]*5 of 5 templates valid \(5 files\)$/);
    });

    test('reports syntax errors with the part and line, and a non-http URL, exit 1', async () => {
      const file = tempFile('bad.yaml', [
        'name: bad', 'method: post', 'url: ftp://example.com/{{ x }}',
        'headers:', '  X-One: "{{ a }"', 'payload: |', '  line one', '  {{ x + }}',
      ].join('\n'));
      const result = await cli('validate', file);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/bad POST .*TemplateRenderError: header X-One: /);
      expect(result.err).toMatch(/bad POST .*TemplateRenderError: payload: .*line 2/);
      expect(result.err).toMatch(/bad POST {2}\(.*bad\.yaml\): url: must start with http:\/\/ or https:\/\//);
      expect(result.out).toMatch(/0 of 1 templates valid/);
    });

    test('speaks in the file\'s field names and says what is wrong with which value', async () => {
      const file = tempFile('fields.yaml', [
        'name: slow', 'method: FETCH', 'url: https://x.example', 'headers:', '  X Bad: "1"', 'timeout: 20m',
      ].join('\n'));
      const result = await cli('validate', file);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/✘ slow FETCH {2}\(.*fields\.yaml\): method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'FETCH'/);
      expect(result.err).toMatch(/✘ slow FETCH {2}\(.*fields\.yaml\): headers: 'X Bad' is not a valid header name \(an RFC 9110 token/);
      expect(result.err).toMatch(/✘ slow FETCH {2}\(.*fields\.yaml\): timeout: 20m is out of range: a call may wait from 1 ms to 15 minutes/);
      expect(result.err).not.toMatch(/attribute|SK|timeoutMs/);
    });

    test('of a directory reports every file, also after one that cannot be read, and a summary line', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-dir-'));
      fs.writeFileSync(path.join(dir, 'a.yaml'), 'name: a\nmethod: GET\nurl: https://a.example\n');
      fs.writeFileSync(path.join(dir, 'b.yaml'), 'name: b\nmethod: GET\nurl: https://b.example\n  oops: 1\n');
      fs.writeFileSync(path.join(dir, 'c.yaml'), 'name: c\nmethod: get\nurl: https://c.example\ntimeout: 16m\n');
      fs.writeFileSync(path.join(dir, 'd.yaml'), 'name: d\nmethod: POST\nurl: https://d.example\n');
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['validate', '.'], { out: l => out.push(l), err: l => err.push(l), cwd: dir });
      expect(code).toBe(1);
      expect(out).toEqual(['✔ a GET  (a.yaml)', '✔ d POST  (d.yaml)', '2 of 3 templates valid (4 files; could not read b.yaml)']);
      expect(err).toEqual([
        'b.yaml: Nested mappings are not allowed in compact mappings at line 3, column 6: "url: https://b.example"'.replace(/^/, '✘ '),
        '✘ c GET  (c.yaml): timeout: 16m is out of range: a call may wait from 1 ms to 15 minutes',
      ]);
    });

    test('refuses unknown fields and bad methods naming the file and field', async () => {
      const typo = tempFile('typo.yaml', 'name: t\nmethod: GET\nurl: https://x.example\nheader: {}\n');
      expect(await cli('validate', typo)).toMatchObject({ code: 1, err: expect.stringMatching(/typo\.yaml: unknown field header/) });
      const method = tempFile('method.json', '{"name":"t","method":"FETCH","url":"https://x.example"}');
      expect(await cli('validate', method)).toMatchObject({ code: 1, err: expect.stringMatching(/t FETCH {2}\(.*method\.json\): method: must be one of GET, /) });
    });
  });

  describe('put', () => {
    let db: LocalDynamoDb;
    // The CLI uses the SDK's default credential chain; dynalite accepts any credentials.
    const savedEnv = { ...process.env };
    beforeAll(async () => {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
      db = await LocalDynamoDb.start();
      await db.createTables([{
        logicalId: 'T',
        tableName: 'templates',
        keySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        attributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
      }]);
    });
    afterAll(async () => {
      process.env = savedEnv;
      await db.close();
    });

    test('writes every template as the item the renderer reads', async () => {
      const result = await cli('put', EXAMPLES, '--table', 'templates', '--endpoint', db.endpoint, '--region', 'local-1');
      expect(result).toMatchObject({ code: 0, out: expect.stringMatching(/5 templates written to templates/) });
      const { Item } = await db.client.send(new GetItemCommand({ TableName: 'templates', Key: { PK: { S: 'get-order' }, SK: { S: 'GET' } } }));
      expect(unmarshall(Item!)).toMatchObject({ PK: 'get-order', SK: 'GET', timeoutMs: 5000, headers: { Accept: 'application/json' } });
    });

    test('writes nothing when a template is invalid, and needs --table', async () => {
      const bad = tempFile('bad.yaml', 'name: never-written\nmethod: GET\nurl: "https://x.example/{{ a"\n');
      const result = await cli('put', bad, '--table', 'templates', '--endpoint', db.endpoint, '--region', 'local-1');
      expect(result).toMatchObject({ code: 1, err: expect.stringMatching(/nothing written/) });
      const { Item } = await db.client.send(new GetItemCommand({ TableName: 'templates', Key: { PK: { S: 'never-written' }, SK: { S: 'GET' } } }));
      expect(Item).toBeUndefined();
      expect(await cli('put', EXAMPLES)).toMatchObject({ code: 2, err: expect.stringMatching(/--table is required/) });
    });

    test('a table that does not exist is a named failure, exit 1', async () => {
      const result = await cli('put', EXAMPLES, '--table', 'missing', '--endpoint', db.endpoint, '--region', 'local-1');
      expect(result).toMatchObject({ code: 1, err: expect.stringMatching(/writing to table missing failed: ResourceNotFoundException/) });
    });
  });

  describe('run', () => {
    let api: SampleApi;
    let templateFile: string;
    let templates: string;
    beforeAll(async () => {
      api = await startSampleApi();
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-cdk-out-'));
      const { app, stack } = buildExampleApp(new App({ outdir }));
      app.synth();
      templateFile = path.join(outdir, `${stack.artifactId}.template.json`);
      templates = tempFile('local.yaml', `name: get-order\nmethod: GET\nurl: "${api.origin}/orders/{{ orderId }}"\n`);
    });
    afterAll(() => api.close());

    test('runs the synthesized state machine against a real API and prints every state', async () => {
      const result = await cli('run', templateFile, '--templates', templates, '--allow-private-networks', '--env', 'ALLOWED_HOSTS=127.0.0.1',
        '--input', '{"templateName":"get-order","method":"GET","params":{"orderId":"ord-1002"}}');
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(/^table ApiCallerTable\w+ in the embedded DynamoDB, 1 template put from --templates\n/);
      expect(result.out).toMatch(/\n {5}start {2}state +type +duration {2}input \/ output size +outcome\n +\d+ ms {2}FetchTemplate/);
      expect(result.out).toMatch(/FetchTemplate[\s\S]*CallApi[\s\S]*CheckStatus[\s\S]*SUCCEEDED in \d+ ms, 4 state transitions/);
      // The log line as the demo prints it, not the function's JSON.
      expect(result.out).toMatch(/\n {2}log INFO api call template=get-order method=GET host=127\.0\.0\.1:\d+ status=200 /);
      expect(result.out).toMatch(/"status": "pending"/);
      expect(api.count('/orders/ord-1002')).toBe(1);
    });

    test('without --input: exit 2 with the usage, nothing run', async () => {
      expect(await cli('run', templateFile)).toMatchObject({ code: 2, out: '', err: expect.stringMatching(/^run: --input is required[\s\S]*Usage: templated-api-caller run /) });
    });

    test('private networks and hosts off the allow-list stay blocked; the hint names both flags and the allow-list at once', async () => {
      const input = '{"templateName":"get-order","method":"GET","params":{"orderId":"ord-1001"}}';
      const blocked = await cli('run', templateFile, '--templates', templates, '--input', input);
      expect(blocked.code).toBe(1);
      expect(blocked.err.split('\n')).toEqual([
        'hint: 127.0.0.1 is a private or loopback address: pass --allow-private-networks to call it',
        'hint: 127.0.0.1 is not in the function\'s allowed hosts (api.example.com, hooks.example.com, auth.example.com): pass --env ALLOWED_HOSTS=api.example.com,hooks.example.com,auth.example.com,127.0.0.1',
      ]);
      const privateNetwork = await cli('run', templateFile, '--templates', templates, '--env', 'ALLOWED_HOSTS=127.0.0.1', '--input', input);
      expect(privateNetwork).toMatchObject({ code: 1, err: 'hint: 127.0.0.1 is a private or loopback address: pass --allow-private-networks to call it' });
      const notAllowed = await cli('run', templateFile, '--templates', templates, '--allow-private-networks', '--input', input);
      expect(notAllowed.err).toMatch(/^hint: 127\.0\.0\.1 is not in the function's allowed hosts \(api\.example\.com, hooks\.example\.com, auth\.example\.com\): pass --env ALLOWED_HOSTS=api\.example\.com,hooks\.example\.com,auth\.example\.com,127\.0\.0\.1$/);
      expect(api.count('/orders/ord-1001')).toBe(0);
      expect(await cli('run', templateFile, '--env', 'oops', '--input', input)).toMatchObject({ code: 2, err: expect.stringMatching(/--env oops: expected NAME=value/) });
    });

    test('--output-only prints a failure\'s cause as JSON, not JSON in a string', async () => {
      const input = '{"templateName":"get-order","method":"GET","params":{"orderId":"ord-1001"}}';
      const result = await cli('run', templateFile, '--templates', templates, '--output-only', '--env', 'ALLOWED_HOSTS=127.0.0.1', '--input', input);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out)).toEqual({
        error: 'BlockedDestinationError',
        cause: { errorType: 'BlockedDestinationError', errorMessage: expect.stringMatching(/^127\.0\.0\.1 /), trace: [] },
      });
    });

    test('TemplateNotFound names the template, the method, the table, and upper-case methods', async () => {
      const result = await cli('run', templateFile, '--input', '{"templateName":"get-order","method":"get","params":{}}');
      expect(result.code).toBe(1);
      expect(result.err.split('\n')).toEqual([
        expect.stringMatching(/^hint: no template 'get-order' get in table ApiCallerTable\w+: put it with --templates <file> /),
        'hint: methods are upper case: use "method": "GET"',
      ]);
    });

    test('a secret without --secret: the hint names the flag; an unknown --secret name lists the stack\'s secrets', async () => {
      const input = JSON.stringify({ templateName: 'create-order', method: 'POST', params: { idempotencyKey: 'k', customer: 'Ada', items: [] } });
      const missing = await cli('run', templateFile, '--input', input);
      expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/^hint: a local run has no Secrets Manager of its own: pass --secret ordersApiKey=… /) });
      const unknown = await cli('run', templateFile, '--secret', 'tracker=x', '--input', input);
      expect(unknown).toMatchObject({ code: 2, err: expect.stringMatching(/^run: --secret tracker: the stack defines no secret named tracker \(its secrets: ordersApiKey, billing\.clientSecret\)/) });
    });

    test('an OAuth2 profile: --secret <profile>.<setting> gives the client secret; two runs, one token each (a run is a new execution environment)', async () => {
      // The profile's token endpoint pointed at the sample API, in the same cloud assembly (its assets).
      const local = path.join(path.dirname(templateFile), 'Local.template.json');
      fs.writeFileSync(local, fs.readFileSync(templateFile, 'utf8').split('https://auth.example.com').join(api.origin));
      const invoices = tempFile('invoices.yaml', `name: get-invoices\nmethod: GET\nurl: "${api.origin}/invoices?customer={{ c }}"\nauth: billing\n`);
      const args = ['run', local, '--templates', invoices, '--allow-private-networks', '--env', 'ALLOWED_HOSTS=127.0.0.1',
        '--secret', `billing.clientSecret={"clientSecret":"${BILLING_CLIENT.secret}"}`, '--input', '{"templateName":"get-invoices","method":"GET","params":{"c":"c-1"}}'];
      const before = api.count('/oauth/token');
      const result = await cli(...args);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(/"customer": "c-1"/);
      expect(result.out).not.toContain(BILLING_CLIENT.secret);
      expect(api.count('/oauth/token') - before).toBe(1);
      const wrong = await cli(...args.map(a => a.replace(BILLING_CLIENT.secret, 'not-the-secret')));
      expect(wrong).toMatchObject({ code: 1 });
      expect(wrong.out).toMatch(/FAILED in \d+ ms: AuthenticationError \(the token endpoint 127\.0\.0\.1:\d+ answered 401 \(invalid_client\)\)/);
    });

    test('validate and put --stack: a template naming a profile the stack lacks is refused', async () => {
      const typo = tempFile('typo.yaml', 'name: t\nmethod: GET\nurl: "https://api.example.com/x"\nauth: biling\n');
      const good = tempFile('good.yaml', 'name: g\nmethod: GET\nurl: "https://api.example.com/x"\nauth: billing\n');
      expect(await cli('validate', good, '--stack', templateFile)).toMatchObject({ code: 0 });
      expect(await cli('validate', typo)).toMatchObject({ code: 0 }); // without the stack, the name is not known
      const refused = await cli('validate', typo, '--stack', templateFile);
      expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/auth: the stack has no authentication profile 'biling' \(its profiles: billing\)/) });
      const put = await cli('put', typo, '--table', 'any', '--dry-run', '--stack', templateFile);
      expect(put).toMatchObject({ code: 1, err: expect.stringMatching(/t GET: auth: the stack has no authentication profile 'biling'[\s\S]*nothing written/) });
      expect(await cli('validate', typo, '--stack', 'missing.json')).toMatchObject({ code: 2, err: expect.stringMatching(/--stack missing\.json: no such file/) });
    });

    describe('the metrics summary at the end of a run', () => {
      const run = (templateFiles: string, input: object, ...flags: string[]) => cli('run', templateFile, '--templates', templateFiles,
        '--allow-private-networks', '--env', 'ALLOWED_HOSTS=127.0.0.1', '--retry-interval-ms', '0', ...flags, '--input', JSON.stringify(input));

      test('counts the calls per template and method, by status class, with the retries', async () => {
        // The sample API sheds the first request for a SKU with a 503 and Retry-After: the workflow calls again and gets a 200.
        const inventory = tempFile('inventory.yaml', `name: stock\nmethod: GET\nurl: "${api.origin}/inventory/{{ sku }}"\n`);
        const result = await run(inventory, { templateName: 'stock', method: 'GET', params: { sku: 'metrics-1' } });
        expect(result).toMatchObject({ code: 0, err: '' });
        expect(api.count('/inventory/metrics-1')).toBe(2);
        const lines = result.out.split('\n');
        expect(lines.slice(-2)).toEqual([
          'metrics (per template and method, from the renderer\'s log lines):',
          expect.stringMatching(/^ {2}stock GET +calls {4}2 {2}5xx 1, 2xx 1 {2}errors: RetryAfterWait 1 {2}retries 1 {2}rate-limit waits 0 {2}latency p50 \d+\.\d ms, p99 \d+\.\d ms$/),
        ]);
        // After the output JSON: the summary ends the run.
        expect(lines.indexOf('}')).toBe(lines.length - 3);
      });

      test('a failed call is counted under its status class; with --output-only the summary goes to stderr and stdout stays JSON', async () => {
        const orders = tempFile('orders.yaml', `name: order\nmethod: GET\nurl: "${api.origin}/orders/{{ orderId }}"\n`);
        const input = { templateName: 'order', method: 'GET', params: { orderId: 'no-such-order' } };
        const result = await run(orders, input);
        expect(result.code).toBe(1);
        expect(result.out).toMatch(/\n {2}order GET +calls {4}1 {2}4xx 1 {2}errors: none {2}retries 0 /);
        const outputOnly = await run(orders, input, '--output-only');
        expect(outputOnly.code).toBe(1);
        expect(JSON.parse(outputOnly.out)).toMatchObject({ error: expect.any(String) });
        expect(outputOnly.err).toMatch(/^metrics \(per template and method, from the renderer's log lines\):\n {2}order GET +calls {4}1 {2}4xx 1 /);
      });

      test('a call that never reached the API is counted with no response, under its error', async () => {
        const result = await cli('run', templateFile, '--input', '{"templateName":"nowhere","method":"GET","params":{}}');
        expect(result.code).toBe(1);
        expect(result.out.split('\n').pop()).toMatch(/^ {2}\(unknown\) +calls {4}1 {2}no response {2}errors: TemplateNotFound 1 {2}retries 0 /);
      });
    });

    describe('with --dynamodb-endpoint', () => {
      let db: LocalDynamoDb;
      const savedEnv = { ...process.env };
      beforeAll(async () => {
        Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
        db = await LocalDynamoDb.start();
      });
      afterAll(async () => {
        process.env = savedEnv;
        await db.close();
      });

      test('--table reads the table `put --table` wrote, and says which table it used', async () => {
        await db.createTables([{
          logicalId: 'T',
          tableName: 'Templates',
          keySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
          attributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
        }]);
        // Not named like a template the stack seeds: those are written to the table too, as a deployment would.
        const own = tempFile('own.yaml', `name: local-order\nmethod: GET\nurl: "${api.origin}/orders/{{ orderId }}"\n`);
        expect(await cli('put', own, '--table', 'Templates', '--endpoint', db.endpoint, '--region', 'local-1')).toMatchObject({ code: 0 });
        const result = await cli('run', templateFile, '--dynamodb-endpoint', db.endpoint, '--table', 'Templates', '--allow-private-networks',
          '--env', 'ALLOWED_HOSTS=127.0.0.1', '--input', '{"templateName":"local-order","method":"GET","params":{"orderId":"ord-1001"}}');
        expect(result).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^table Templates in ${db.endpoint.replace(/\./g, '\\.')}\n`)) });
        expect(api.count('/orders/ord-1001')).toBe(1);
      });
    });
  });
});

describe('the bundled CLI (assets/cli/index.js)', () => {
  test('is executable and runs on its own', () => {
    expect(execFileSync(CLI_BUNDLE, ['--help'], { encoding: 'utf8' })).toMatch(/^Usage: templated-api-caller <command>/);
    const validate = spawnSync(process.execPath, [CLI_BUNDLE, 'validate', EXAMPLES], { encoding: 'utf8' });
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/5 of 5 templates valid/);
  });
});
