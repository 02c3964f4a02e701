// The demo: the example app's state machine, run locally end to end. It starts a local DynamoDB
// and the sample API on 127.0.0.1, seeds the example templates, runs a handful of executions
// and prints each one state by state. Exits non-zero if any outcome is not the expected one.
import * as path from 'node:path';
import { buildExampleApp } from './app';
import { runBatchDemo } from './batch-demo';
import { runLargeResponseDemo } from './large-response-demo';
import { BILLING_CLIENT, ORDERS_API_KEY, SampleApi, startSampleApi } from './sample-api';
import { executionReport } from '../cli-src/cli/execution-report';
import { LocalWorkflowRunner } from '../cli-src/local-runner';
import { synthesizeStackOf } from '../cli-src/local-runner/synthesize-stack';
import { readTemplateFiles } from '../cli-src/template-files/template-file';

interface Scenario {
  readonly title: string;
  readonly input: object;
  readonly expect: { status: 'SUCCEEDED' | 'FAILED'; error?: string; statusCode?: number; attemptsAtCallApi?: number; tokenRequests?: number };
  /** Run it this many times (the last run is printed). */
  readonly repeat?: number;
  readonly before?: (api: SampleApi) => void;
}

const SCENARIOS: Scenario[] = [
  {
    title: 'GET an order: 200 with a JSON body',
    input: { templateName: 'get-order', method: 'GET', params: { orderId: 'ord-1001', fields: ['id', 'status', 'total'] } },
    expect: { status: 'SUCCEEDED', statusCode: 200 },
  },
  {
    title: 'POST a new order: the JSON payload is rendered from params',
    input: {
      templateName: 'create-order',
      method: 'POST',
      params: { idempotencyKey: 'demo-1', customer: 'Ada "the Countess" Lovelace', items: [{ sku: 'BOOK-7', quantity: 2 }, { sku: 'PEN-2', quantity: '1' }] },
    },
    expect: { status: 'SUCCEEDED', statusCode: 201 },
  },
  {
    title: 'GET an order that does not exist: 404 ends in ApiCallFailed',
    input: { templateName: 'get-order', method: 'GET', params: { orderId: 'ord-404' } },
    expect: { status: 'FAILED', error: 'ApiCallFailed' },
  },
  {
    title: 'GET inventory from a service that sheds load: 503, retried, then 200',
    input: { templateName: 'get-inventory', method: 'GET', params: { sku: 'BOOK-7' } },
    expect: { status: 'SUCCEEDED', statusCode: 200, attemptsAtCallApi: 2 },
  },
  {
    title: 'GET invoices behind OAuth2 client credentials, three times: one token request, the token reused',
    input: { templateName: 'get-invoices', method: 'GET', params: { customerId: 'c-42' } },
    repeat: 3,
    expect: { status: 'SUCCEEDED', statusCode: 200, tokenRequests: 1 },
  },
  {
    title: 'The billing API revokes its tokens: 401, one new token, the call retried once (same attempt)',
    input: { templateName: 'get-invoices', method: 'GET', params: { customerId: 'c-42' } },
    before: api => api.revokeTokens(),
    expect: { status: 'SUCCEEDED', statusCode: 200, attemptsAtCallApi: 1, tokenRequests: 2 },
  },
  {
    title: 'A template that is not in the table ends in TemplateNotFound',
    input: { templateName: 'cancel-order', method: 'DELETE', params: { orderId: 'ord-1001' } },
    expect: { status: 'FAILED', error: 'TemplateNotFound' },
  },
  {
    title: 'A param the template needs is missing: TemplateRenderError, no call is made',
    input: { templateName: 'notify-webhook', method: 'POST', params: { channel: 'orders' } },
    expect: { status: 'FAILED', error: 'TemplateRenderError' },
  },
];

// The SDK warns that its future releases need Node.js 22: not news for a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  const api = await startSampleApi();
  const { caller } = buildExampleApp();
  // The billing profile's token endpoint (https://auth.example.com) is the sample API too.
  const { template, assemblyDir, stateMachineId } = synthesizeStackOf(caller);
  const local = JSON.parse(JSON.stringify(template).split('https://auth.example.com').join(api.origin));
  // The renderer refuses private addresses unless allowed: the sample API is on 127.0.0.1.
  const runner = await LocalWorkflowRunner.fromTemplate(local, {
    assemblyDir,
    stateMachineId,
    retryIntervalMs: 100,
    functionEnvironment: { ALLOW_PRIVATE_NETWORKS: 'true', ALLOWED_HOSTS: '127.0.0.1' },
    // Served by a local stand-in for Secrets Manager; the logs show them redacted.
    secretValues: { 'ordersApiKey': ORDERS_API_KEY, 'billing.clientSecret': JSON.stringify({ clientSecret: BILLING_CLIENT.secret }) },
  });
  let failures = 0;
  try {
    // The stack's templates (examples/templates, the `templates` prop) are in the local table
    // already; the demo points their hosts at the sample API.
    const templates = readTemplateFiles([path.join(__dirname, 'templates')]);
    for (const { item } of templates) {
      await runner.putItem({ ...item, url: String(item.url).replace(/^https:\/\/(api|hooks)\.example\.com/, api.origin) });
    }
    console.log(`The stack's ${templates.length} templates (examples/templates) are in a local DynamoDB (${runner.dynamoDb.endpoint}),`);
    console.log(`with https://api.example.com and https://hooks.example.com pointed at the sample API (${api.origin}).\n`);

    for (const scenario of SCENARIOS) {
      scenario.before?.(api);
      let record = await runner.execute(scenario.input);
      for (let i = 1; i < (scenario.repeat ?? 1); i++) record = await runner.execute(scenario.input);
      const tokenRequests = api.count('/oauth/token');
      const response = (record.output as { response?: { statusCode: number; body: unknown } } | undefined)?.response;
      const attempts = record.states.filter(s => s.name === 'CallApi').length;
      const problems = [
        record.status !== scenario.expect.status && `status ${record.status}, expected ${scenario.expect.status}`,
        scenario.expect.error !== undefined && record.error !== scenario.expect.error && `error ${record.error}, expected ${scenario.expect.error}`,
        scenario.expect.statusCode !== undefined && response?.statusCode !== scenario.expect.statusCode && `HTTP ${response?.statusCode}, expected ${scenario.expect.statusCode}`,
        scenario.expect.attemptsAtCallApi !== undefined && attempts !== scenario.expect.attemptsAtCallApi && `${attempts} CallApi attempts, expected ${scenario.expect.attemptsAtCallApi}`,
        scenario.expect.tokenRequests !== undefined && tokenRequests !== scenario.expect.tokenRequests && `${tokenRequests} token requests so far, expected ${scenario.expect.tokenRequests}`,
      ].filter(Boolean);
      console.log(`▶ ${scenario.title}`);
      console.log(`  input  ${JSON.stringify(scenario.input)}${scenario.repeat ? ` (run ${scenario.repeat} times, the last shown)` : ''}`);
      // Printed as `templated-api-caller run` prints it, with the response in one line first.
      const [states, ...logs] = executionReport(record);
      console.log(states);
      if (response) console.log(`  response HTTP ${response.statusCode}: ${JSON.stringify(response.body)}`);
      if (scenario.expect.tokenRequests !== undefined) console.log(`  token requests so far: ${tokenRequests}; calls to /invoices so far: ${api.count('/invoices')}`);
      logs.forEach(line => console.log(line));
      console.log(problems.length === 0 ? '  ✔ as expected\n' : `  ✘ ${problems.join('; ')}\n`);
      failures += problems.length === 0 ? 0 : 1;
    }
  } finally {
    await runner.close();
    await api.close();
  }
  // A response too large for the state, offloaded to S3 (examples/large-response-demo.ts).
  failures += await runLargeResponseDemo();
  // At scale: batches through a rate-limited template, inline and from S3 (examples/batch-demo.ts).
  failures += await runBatchDemo();
  const executions = SCENARIOS.length + 3; // and the large response and the two batches
  console.log(failures === 0
    ? `All ${executions} executions ended as expected.`
    : `${failures} of ${executions} executions did not end as expected.`);
  return failures === 0 ? 0 : 1;
}

main().then(code => process.exit(code), error => {
  console.error(error);
  process.exit(1);
});
