// Each AWS behaviour the local runner reproduces (cli-src/local-runner/AWS-FIDELITY.md), tested on
// small definitions run through the runner, with the AWS documentation it follows cited.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CfnTemplate, LocalWorkflowRunner, LocalWorkflowRunnerOptions } from '../../../cli-src/local-runner';

const FN_ARN = 'arn:aws:lambda:local-1:000000000000:function:Fn';

/** A template with one table, one function (run by `handler`) and a state machine of `states`. */
function template(states: Record<string, unknown>, startAt = Object.keys(states)[0]): CfnTemplate {
  return {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: 'templates',
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
        },
      },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Timeout: 5, Environment: { Variables: { TABLE: { Ref: 'Table' } } } } },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'MachineRole' } },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: 'Machine',
          RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          DefinitionString: JSON.stringify({ StartAt: startAt, States: states }),
        },
      },
    },
  };
}

const getItem = (next: Record<string, unknown> = { End: true }) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::dynamodb:getItem',
  Parameters: { TableName: 'templates', Key: { PK: { 'S.$': '$.name' }, SK: { S: 'GET' } } },
  ResultPath: '$.result',
  ...next,
});

async function runner(states: Record<string, unknown>, handler: (event: any) => unknown, options: LocalWorkflowRunnerOptions = {}) {
  const lambdaHandlers = { Fn: async (event: unknown) => handler(event) };
  return LocalWorkflowRunner.fromTemplate(template(states), { retryIntervalMs: 1, lambdaHandlers, ...options });
}

let open: LocalWorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.map(r => r.close()));
  open = [];
});
async function start(states: Record<string, unknown>, handler: (event: any) => unknown = () => ({}), options?: LocalWorkflowRunnerOptions) {
  const r = await runner(states, handler, options);
  open.push(r);
  return r;
}

describe('service integration results', () => {
  // https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html and "Service
  // integration outputs" in https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html:
  // the optimized integrations return the API response plus SdkHttpMetadata and SdkResponseMetadata.
  test('dynamodb:getItem returns the GetItem response plus SdkHttpMetadata and SdkResponseMetadata, with and without Item', async () => {
    const r = await start({ Get: getItem() });
    await r.putItem({ PK: 'there', SK: 'GET', url: 'https://x' });
    const metadata = {
      SdkHttpMetadata: {
        AllHttpHeaders: expect.objectContaining({ 'Content-Type': ['application/x-amz-json-1.0'], 'x-amzn-RequestId': [expect.any(String)] }),
        HttpHeaders: expect.objectContaining({ 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': expect.any(String) }),
        HttpStatusCode: 200,
      },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    };
    const found = await r.execute({ name: 'there' });
    expect((found.output as any).result).toEqual({ Item: { PK: { S: 'there' }, SK: { S: 'GET' }, url: { S: 'https://x' } }, ...metadata });
    const missing = await r.execute({ name: 'nowhere' });
    expect((missing.output as any).result).toEqual(metadata);
    expect((missing.output as any).result).not.toHaveProperty('Item');
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html: with the function
  // ARN as Resource (CDK's payloadResponseOnly) the result is the function's response itself.
  test('a Lambda task whose Resource is the function ARN returns the payload as is', async () => {
    const r = await start({ Call: { Type: 'Task', Resource: FN_ARN, ResultPath: '$.result', End: true } }, () => ({ a: 1 }));
    expect((await r.execute({})).output).toEqual({ result: { a: 1 } });
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html (arn:aws:states:::lambda:invoke):
  // the Invoke response, the payload under Payload, plus the SDK metadata.
  test('lambda:invoke returns the Invoke response envelope', async () => {
    const r = await start({
      Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': FN_ARN, 'Payload.$': '$' }, ResultPath: '$.result', End: true },
    }, (event) => ({ echoed: event.n }));
    const { result } = (await r.execute({ n: 3 })).output as any;
    expect(result).toEqual({
      ExecutedVersion: '$LATEST',
      Payload: { echoed: 3 },
      SdkHttpMetadata: {
        AllHttpHeaders: expect.objectContaining({ 'X-Amz-Executed-Version': ['$LATEST'], 'Content-Type': ['application/json'] }),
        HttpHeaders: expect.objectContaining({ 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': result.SdkResponseMetadata.RequestId }),
        HttpStatusCode: 200,
      },
      SdkResponseMetadata: { RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      StatusCode: 200,
    });
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html ("Handling
  // Lambda errors") and https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html:
  // the error is the function's errorType, the cause its error payload as JSON.
  test('a function error is { Error: errorType, Cause: the Lambda error payload as JSON }', async () => {
    const r = await start({
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName': FN_ARN, 'Payload.$': '$' },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
    }, () => {
      throw Object.assign(new Error('the API is down'), { name: 'RetryableHttpError' });
    });
    const { error } = (await r.execute({})).output as any;
    expect(error.Error).toBe('RetryableHttpError');
    expect(JSON.parse(error.Cause)).toEqual({ errorType: 'RetryableHttpError', errorMessage: 'the API is down', trace: [] });
  });
});

describe('payload quota', () => {
  // https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB) and
  // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html:
  // States.DataLimitExceeded is terminal: States.ALL neither retries nor catches it.
  const guarded = (resource: Record<string, unknown>) => ({
    Call: {
      Type: 'Task',
      ...resource,
      ResultPath: '$.result',
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
      End: true,
    },
    Caught: { Type: 'Pass', End: true },
  });
  const big = (bytes: number) => 'x'.repeat(bytes);

  test('a task result over 256 KiB fails the execution with States.DataLimitExceeded, not retried, not caught', async () => {
    let calls = 0;
    const r = await start(guarded({ Resource: FN_ARN }), () => {
      calls++;
      return { blob: big(256 * 1024) };
    });
    const record = await r.execute({});
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringMatching(/result of the task is 26\d{4} bytes/) });
    expect(calls).toBe(1);
    expect(record.states.map(s => s.name)).not.toContain('Caught');
  });

  test('a task input over 256 KiB after Parameters fails with States.DataLimitExceeded before the function runs', async () => {
    let calls = 0;
    const r = await start(guarded({ Resource: FN_ARN, Parameters: { 'a.$': '$.half', 'b.$': '$.half' } }), () => ++calls);
    const record = await r.execute({ half: big(140 * 1024) });
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringMatching(/input of the Lambda task/) });
    expect(calls).toBe(0);
  });

  test('a state output over 256 KiB (input plus a smaller result) fails with States.DataLimitExceeded', async () => {
    const r = await start({ Call: { Type: 'Task', Resource: FN_ARN, ResultPath: '$.result', End: true } }, () => big(150 * 1024));
    const record = await r.execute({ kept: big(150 * 1024) });
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringMatching(/output of state Call/) });
  });

  test('an execution input over 256 KiB is refused as StartExecution refuses it', async () => {
    const r = await start({ Done: { Type: 'Pass', End: true } });
    await expect(r.execute({ blob: big(256 * 1024) })).rejects.toThrow(/StartExecution would fail: the input is \d+ bytes, more than 262144/);
  });
});

describe('context object', () => {
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html:
  // $$.Execution (Id, Input, Name, RoleArn, StartTime), $$.State (EnteredTime, Name,
  // RetryCount), $$.StateMachine (Id, Name); the execution ARN format from
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html.
  const contextParameters = {
    'executionId.$': '$$.Execution.Id',
    'executionName.$': '$$.Execution.Name',
    'startTime.$': '$$.Execution.StartTime',
    'roleArn.$': '$$.Execution.RoleArn',
    'input.$': '$$.Execution.Input',
    'state.$': '$$.State',
    'machineId.$': '$$.StateMachine.Id',
    'machineName.$': '$$.StateMachine.Name',
  };

  test('every field, per state, per attempt: RetryCount 0 then 1, the same execution', async () => {
    const seen: any[] = [];
    const r = await start({
      First: { Type: 'Pass', Parameters: { 'state.$': '$$.State' }, ResultPath: '$.first', Next: 'Call' },
      Call: {
        Type: 'Task',
        Resource: FN_ARN,
        Parameters: contextParameters,
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1 }],
        ResultPath: null,
        End: true,
      },
    }, (event) => {
      seen.push(event);
      if (seen.length === 1) throw Object.assign(new Error('once'), { name: 'Flaky' });
      return {};
    });
    const record = await r.execute({ order: 42 }, { name: 'order-42' });
    expect(record.status).toBe('SUCCEEDED');
    const arn = 'arn:aws:states:local-1:000000000000:execution:Machine:order-42';
    expect(record).toMatchObject({ executionArn: arn, name: 'order-42' });
    expect(seen.map(e => e.state.RetryCount)).toEqual([0, 1]);
    for (const event of seen) {
      expect(event).toEqual({
        executionId: arn,
        executionName: 'order-42',
        startTime: record.startTime,
        roleArn: 'arn:aws:iam::000000000000:role/MachineRole',
        input: { order: 42 },
        state: { Name: 'Call', EnteredTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), RetryCount: expect.any(Number) },
        machineId: 'arn:aws:states:local-1:000000000000:stateMachine:Machine',
        machineName: 'Machine',
      });
    }
    // A retry does not enter the state again.
    expect(seen[1].state.EnteredTime).toBe(seen[0].state.EnteredTime);
    expect((record.output as any).first.state).toMatchObject({ Name: 'First', RetryCount: 0 });
  });

  test('inside a Parallel branch $$.Execution is the execution\'s (StartTime, Input), $$.State the branch state\'s', async () => {
    const r = await start({
      Wait: { Type: 'Wait', Seconds: 1, Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'InBranch', States: { InBranch: { Type: 'Pass', Parameters: { 'start.$': '$$.Execution.StartTime', 'input.$': '$$.Execution.Input', 'state.$': '$$.State.Name' }, End: true } } }],
        End: true,
      },
    }, () => ({}), { waitMs: 20 });
    const record = await r.execute({ top: true });
    expect((record.output as any)[0]).toEqual({ start: record.startTime, input: { top: true }, state: 'InBranch' });
  });

  test('two executions at once each see their own context', async () => {
    const r = await start({ Call: { Type: 'Task', Resource: FN_ARN, Parameters: { 'id.$': '$$.Execution.Id', 'n.$': '$.n' }, End: true } },
      async (event) => {
        await new Promise(resolve => setTimeout(resolve, 5 * (3 - event.n)));
        return event;
      });
    const records = await Promise.all([1, 2].map(n => r.execute({ n }, { name: `run-${n}` })));
    expect(records.map(rec => (rec.output as any).id)).toEqual(records.map(rec => rec.executionArn));
  });

  test('what it cannot reproduce is refused when the runner is built: task tokens, the whole context', async () => {
    await expect(runner({ P: { Type: 'Pass', Parameters: { 'token.$': '$$.Task.Token' }, End: true } }, () => ({})))
      .rejects.toThrow(/cannot reproduce the context object used in state P, Parameters: \$\$\.Task\.Token/);
    await expect(runner({ P: { Type: 'Pass', Parameters: { 'all.$': '$$' }, End: true } }, () => ({})))
      .rejects.toThrow(/cannot reproduce the context object used in state P, Parameters: \$\$/);
  });

  test('a quoted literal that contains $$ is left alone', async () => {
    const r = await start({ P: { Type: 'Pass', Parameters: { 'text.$': "States.Format('costs $$ {}', $$.Execution.Name)" }, End: true } });
    expect((await r.execute({}, { name: 'n1' })).output).toEqual({ text: 'costs $$ n1' });
  });

  test('an execution name StartExecution would refuse is refused', async () => {
    const r = await start({ Done: { Type: 'Pass', End: true } });
    await expect(r.execute({}, { name: 'has space' })).rejects.toThrow(/not a valid execution name/);
    await expect(r.execute({}, { name: 'x'.repeat(81) })).rejects.toThrow(/not a valid execution name/);
  });
});

describe('endpoints', () => {
  // https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html: AWS SDK clients
  // take their endpoint from AWS_ENDPOINT_URL_<SERVICE> (or AWS_ENDPOINT_URL); the runner points
  // the functions' clients at its local services that way, with no switch of its own.
  test('a function\'s own DynamoDB client, built with no endpoint, reads the local table', async () => {
    const r = await start({ Call: { Type: 'Task', Resource: FN_ARN, End: true } }, async () => {
      const client = new DynamoDBClient({});
      try {
        const { Item } = await client.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { PK: { S: 'k' }, SK: { S: 'GET' } } }));
        return { url: Item?.url?.S, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB };
      } finally {
        client.destroy();
      }
    });
    await r.putItem({ PK: 'k', SK: 'GET', url: 'https://from-local-table' });
    expect((await r.execute({})).output).toEqual({ url: 'https://from-local-table', endpoint: r.dynamoDbEndpoint });
  });
});
