import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { formatExecution, formatLogLine, LocalWorkflowRunner } from '../../../cli-src/local-runner';
import { runnerForConstruct } from '../../../cli-src/local-runner/from-stack';

// A small workflow of the same shape as TemplatedApiCaller's, built here so the runner is
// tested on its own: getItem → Lambda (retried, caught) → Choice → Succeed / Fail.
// The function's code is a real asset: it counts calls per key in a file-less global.
const FUNCTION_CODE = `
const calls = {};
exports.handler = async (event, context) => {
  const key = event.params.key;
  calls[key] = (calls[key] || 0) + 1;
  if (event.params.failTimes >= calls[key]) {
    const e = new Error('flaky ' + calls[key]);
    e.name = 'FlakyError';
    throw e;
  }
  if (event.params.fatal) {
    const e = new Error('no way');
    e.name = 'FatalError';
    throw e;
  }
  return {
    item: event.item,
    env: process.env.GREETING,
    remainingMs: context.getRemainingTimeInMillis(),
    statusCode: event.params.statusCode ?? 200,
  };
};`;

function buildWorkflow(): { app: App; stack: Stack; machine: sfn.StateMachine } {
  const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-fn-'));
  fs.writeFileSync(path.join(codeDir, 'index.js'), FUNCTION_CODE);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'runner-out-')) });
  const stack = new Stack(app, 'RunnerTest');
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(codeDir),
    timeout: Duration.seconds(7),
    environment: { GREETING: 'hello', TABLE: table.tableName },
  });
  const fetch = new tasks.DynamoGetItem(stack, 'FetchTemplate', {
    table,
    key: {
      PK: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.templateName')),
      SK: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.method')),
    },
    resultPath: '$.template',
  });
  const call = new tasks.LambdaInvoke(stack, 'CallApi', {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject({ item: sfn.JsonPath.objectAt('$.template'), params: sfn.JsonPath.objectAt('$.params') }),
    resultSelector: { 'statusCode.$': '$.Payload.statusCode', 'env.$': '$.Payload.env', 'remainingMs.$': '$.Payload.remainingMs', 'item.$': '$.Payload.item' },
    resultPath: '$.response',
    retryOnServiceExceptions: false,
  });
  call.addRetry({ errors: ['FlakyError'], maxAttempts: 2, interval: Duration.seconds(30) });
  const failed = new sfn.Fail(stack, 'CallFailed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
  call.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.failure' });
  const check = new sfn.Choice(stack, 'CheckStatus')
    .when(sfn.Condition.isNotPresent('$.response.statusCode'), new sfn.Fail(stack, 'NoStatus', { error: 'NoStatus' }))
    .when(sfn.Condition.numberLessThan('$.response.statusCode', 300), new sfn.Succeed(stack, 'Succeeded'))
    .otherwise(new sfn.Fail(stack, 'ApiCallFailed', { error: 'ApiCallFailed', cause: 'status outside the success range' }));
  const parallel = new sfn.Parallel(stack, 'Alongside', { resultSelector: { 'call.$': '$[0]' }, outputPath: '$.call' })
    .branch(call)
    .branch(new sfn.Pass(stack, 'Sidecar'));
  const machine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(fetch.next(parallel).next(check)),
  });
  return { app, stack, machine };
}

describe('LocalWorkflowRunner', () => {
  let runner: LocalWorkflowRunner;

  beforeAll(async () => {
    const { machine } = buildWorkflow();
    runner = await runnerForConstruct(machine, { retryIntervalMs: 5 });
    await runner.putItem({ PK: 'orders', SK: 'GET', url: 'https://example.com/{{ id }}' });
  });
  afterAll(() => runner.close());

  test('reads the definition, its table and its function out of the synthesized template', () => {
    expect(runner.machine.definition.StartAt).toBe('FetchTemplate');
    expect(runner.templateTable.keySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const [fn] = runner.machine.functions;
    expect(fn.environment).toEqual({ GREETING: 'hello', TABLE: runner.templateTable.tableName });
    expect(fn.timeoutSeconds).toBe(7);
    expect(fn.assetPath).toMatch(/^asset\./);
  });

  test('runs the getItem task against the local DynamoDB and the function from its asset', async () => {
    const record = await runner.execute({ templateName: 'orders', method: 'GET', params: { key: 'ok' } });
    expect(record.status).toBe('SUCCEEDED');
    const response = (record.output as any).response;
    expect(response.item.Item).toEqual({ PK: { S: 'orders' }, SK: { S: 'GET' }, url: { S: 'https://example.com/{{ id }}' } });
    expect(response.env).toBe('hello');
    expect(response.remainingMs).toBeGreaterThan(6000);
    expect(response.remainingMs).toBeLessThanOrEqual(7000);
    // Branch states (CallApi, Sidecar) finish in either order, inside Alongside.
    const names = record.states.map(s => s.name);
    expect([names[0], ...names.slice(1, 3).sort(), ...names.slice(3)]).toEqual(['FetchTemplate', 'CallApi', 'Sidecar', 'Alongside', 'CheckStatus', 'Succeeded']);
    expect(record.states.every(s => s.error === undefined && s.inputBytes > 0)).toBe(true);
  });

  test('a missing item is an empty getItem result, and the negative type test still matches', async () => {
    const record = await runner.execute({ templateName: 'nope', method: 'GET', params: { key: 'missing', statusCode: 'none' } });
    // statusCode 'none' is not numeric: numberLessThan does not match, so Default → ApiCallFailed.
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ApiCallFailed');
    expect(record.cause).toBe('status outside the success range');
  });

  test('surfaces function errors under their name, retries them with shortened intervals, and records each attempt', async () => {
    const record = await runner.execute({ templateName: 'orders', method: 'GET', params: { key: 'flaky', failTimes: 2 } });
    expect(record.status).toBe('SUCCEEDED');
    const attempts = record.states.filter(s => s.name === 'CallApi');
    expect(attempts.map(a => [a.error, a.retriedAttempt])).toEqual([['FlakyError', 1], ['FlakyError', 2], [undefined, undefined]]);
    expect(JSON.parse(attempts[0].cause!)).toEqual({ errorType: 'FlakyError', errorMessage: 'flaky 1', trace: [] });
    // The 30 s interval was replaced by 5 ms.
    expect(record.durationMs).toBeLessThan(5000);
    expect(record.stateTransitions).toBe(record.states.length);
  });

  test('a caught error ends in the Fail state with the error name and the Lambda-style cause', async () => {
    const record = await runner.execute({ templateName: 'orders', method: 'GET', params: { key: 'fatal', fatal: true } });
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('FatalError');
    expect(JSON.parse(record.cause!).errorMessage).toBe('no way');
    expect(record.states.find(s => s.name === 'CallApi')).toMatchObject({ error: 'FatalError', caughtNext: 'CallFailed' });
    expect(formatExecution(record)).toMatch(/CallApi .* FatalError → caught, next CallFailed[\s\S]*FAILED in \d+ ms: FatalError/);
  });

  test('runs executions concurrently', async () => {
    const records = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      runner.execute({ templateName: 'orders', method: 'GET', params: { key: `c${i}`, statusCode: 200 + i } })));
    expect(records.map(r => (r.output as any)?.response?.statusCode)).toEqual(Array.from({ length: 20 }, (_, i) => 200 + i));
  });
});

describe('LocalWorkflowRunner.fromTemplate', () => {
  test('a task it cannot run fails with a message naming the state and the way out', async () => {
    const stack = new Stack(new App(), 'Unbound');
    const queue = new sqs.Queue(stack, 'Queue');
    const machine = new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new tasks.SqsSendMessage(stack, 'Notify', {
        queue, messageBody: sfn.TaskInput.fromText('hi'),
      })),
    });
    const runner = await runnerForConstruct(machine);
    try {
      const record = await runner.execute({});
      expect(record.status).toBe('FAILED');
      expect(record.cause).toMatch(/Task state Notify \(arn:aws:states:::sqs:sendMessage\) cannot run locally: pass taskHandlers\['Notify'\]/);
    } finally {
      await runner.close();
    }
  });

  test('refuses a template without exactly one state machine, listing what it found', async () => {
    await expect(LocalWorkflowRunner.fromTemplate({ Resources: {} })).rejects.toThrow(/exactly one AWS::StepFunctions::StateMachine.*found: none/);
  });
});

describe('formatLogLine', () => {
  test('keeps the scalar fields of a structured line, in order', () => {
    expect(formatLogLine('{"level":"INFO","message":"api call","template":"t","status":200,"host":"","responseHeaders":{"a":"b"}}'))
      .toBe('INFO api call template=t status=200');
  });
  test('shows the request headers, where redaction shows', () => {
    expect(formatLogLine('{"level":"INFO","message":"api call","requestHeaders":{"X-Api-Key":"[REDACTED]","Accept":"application/json"}}'))
      .toBe('INFO api call header:X-Api-Key=[REDACTED] header:Accept=application/json');
  });
  test('leaves other lines alone', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(formatLogLine('[1,2]')).toBe('[1,2]');
  });
});
