import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { allStates, AslDefinition, definitionOf } from './definition';
import {
  ApiCallerErrors, RetryPolicy, StatusRange, TemplatedApiCaller, TemplatedApiCallerProps,
  WorkflowPaths, WorkflowStateNames as S,
} from '../src';

function definitionWith(props: TemplatedApiCallerProps = {}, hooks?: (stack: Stack) => TemplatedApiCallerProps): AslDefinition {
  const stack = new Stack(new App(), 'Test');
  new TemplatedApiCaller(stack, 'Caller', { ...props, ...hooks?.(stack) });
  return definitionOf(Template.fromStack(stack));
}

/** The names of the states a path through the definition visits, following Next/Default. */
function path(definition: AslDefinition, choose: (name: string, state: any) => string | undefined = () => undefined): string[] {
  const visited: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name) {
    visited.push(name);
    const state: any = definition.States[name];
    name = choose(name, state) ?? state.Next ?? (state.Type === 'Choice' ? state.Choices[0].Next : undefined);
  }
  return visited;
}

describe('default workflow', () => {
  const definition = definitionWith();
  const states = definition.States;

  test('the happy path is FetchTemplate → CallApi → CheckStatus → Succeeded (4 transitions)', () => {
    expect(definition.StartAt).toBe(S.FETCH_TEMPLATE);
    expect(path(definition)).toEqual([S.FETCH_TEMPLATE, S.CALL_API, S.CHECK_STATUS, S.SUCCEEDED]);
    expect(states[S.SUCCEEDED]).toEqual({ Type: 'Succeed' });
  });

  test('the definition has exactly the documented states', () => {
    expect(Object.keys(states).sort()).toEqual(
      [S.FETCH_TEMPLATE, S.CALL_API, S.CHECK_STATUS, S.SUCCEEDED, S.API_CALL_FAILED, S.FAILED,
        S.READ_RETRY_AFTER, S.RECORD_RETRY_AFTER, S.WAIT_RETRY_AFTER].sort());
  });

  test('FetchTemplate reads the item keyed by templateName and method into $.template', () => {
    expect(states[S.FETCH_TEMPLATE]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:${AWS::Partition}:states:::dynamodb:getItem',
      Parameters: {
        TableName: expect.stringMatching(/^\$\{Ref:CallerTable[0-9A-F]+\}$/),
        Key: { PK: { 'S.$': '$.templateName' }, SK: { 'S.$': '$.method' } },
      },
      ResultPath: WorkflowPaths.TEMPLATE,
      Next: S.CALL_API,
    });
  });

  test('CallApi invokes the renderer with the whole state plus the execution context and keeps { statusCode, headers, body } at $.response', () => {
    const callApi = states[S.CALL_API];
    expect(callApi).toMatchObject({
      Type: 'Task',
      Resource: 'arn:${AWS::Partition}:states:::lambda:invoke',
      Parameters: { FunctionName: expect.stringMatching(/^\$\{GetAtt:CallerRenderer[0-9A-F]+\.Arn\}$/) },
      ResultSelector: { 'statusCode.$': '$.Payload.statusCode', 'headers.$': '$.Payload.headers', 'body.$': '$.Payload.body' },
      ResultPath: WorkflowPaths.RESPONSE,
      Next: S.CHECK_STATUS,
    });
    // The payload is built from `$` (always present) and the context object, so an input
    // without params cannot make a JSONPath fail; RetryCount is the attempt's own.
    const payload: string = callApi.Parameters['Payload.$'];
    expect(payload).toMatch(/^States\.JsonMerge\(\$, States\.StringToJson\(States\.Format\('.*', \$\$\.Execution\.Id, \$\$\.Execution\.Name, \$\$\.Execution\.StartTime, \$\$\.State\.RetryCount\)\), false\)$/);
    const format = /States\.Format\('(.*)', \$\$/.exec(payload)![1];
    // What Step Functions makes of the format string: escaped braces are literal, {} the values.
    const values = ['arn:aws:states:r:1:execution:sm:e', 'e', '2026-01-01T00:00:00Z', '2'];
    const formatted = format.replace(/\\([{}])|\{\}/g, (_all, brace) => brace ?? values.shift());
    expect(JSON.parse(formatted)).toEqual({ execution: { id: 'arn:aws:states:r:1:execution:sm:e', name: 'e', startTime: '2026-01-01T00:00:00Z', retryCount: 2 } });
  });

  test('retries use the default policy: 3 retries, 2 s, rate 2, max 30 s, full jitter', () => {
    const timing = { IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' };
    expect(states[S.CALL_API].Retry).toEqual([{ ErrorEquals: RetryPolicy.CALL_API_ERRORS, ...timing }]);
    expect(states[S.FETCH_TEMPLATE].Retry).toEqual([{ ErrorEquals: RetryPolicy.FETCH_TEMPLATE_ERRORS, ...timing }]);
  });

  test('transient HTTP errors, Lambda service errors and DynamoDB throttling are retried', () => {
    expect(states[S.CALL_API].Retry[0].ErrorEquals).toEqual(expect.arrayContaining([
      'RetryableHttpError', 'ApiTimeoutError', 'ApiConnectionError',
      'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException',
    ]));
    expect(states[S.FETCH_TEMPLATE].Retry[0].ErrorEquals).toEqual(expect.arrayContaining([
      'DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.RequestLimitExceeded',
    ]));
  });

  test('render, template and destination errors are never retried', () => {
    const retried = [...states[S.CALL_API].Retry, ...states[S.FETCH_TEMPLATE].Retry].flatMap((r: any) => r.ErrorEquals);
    for (const error of [ApiCallerErrors.TEMPLATE_RENDER, ApiCallerErrors.INVALID_TEMPLATE, ApiCallerErrors.TEMPLATE_NOT_FOUND,
      ApiCallerErrors.BLOCKED_DESTINATION, ApiCallerErrors.RESPONSE_TOO_LARGE, 'States.ALL', 'States.TaskFailed']) {
      expect(retried).not.toContain(error);
    }
  });

  test('every error of FetchTemplate and CallApi is caught into $.error and ends in Failed (but a Retry-After wait)', () => {
    expect(states[S.FETCH_TEMPLATE].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: WorkflowPaths.ERROR, Next: S.FAILED }]);
    expect(states[S.CALL_API].Catch).toEqual([
      { ErrorEquals: [ApiCallerErrors.RETRY_AFTER_WAIT], ResultPath: WorkflowPaths.RETRY_AFTER, Next: S.READ_RETRY_AFTER },
      { ErrorEquals: ['States.ALL'], ResultPath: WorkflowPaths.ERROR, Next: S.FAILED },
    ]);
  });

  test('Failed fails with the recorded error name and cause (TemplateNotFound stays TemplateNotFound)', () => {
    expect(states[S.FAILED]).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  test('CheckStatus sends 200-299 to Succeeded and any other status to ApiCallFailed', () => {
    expect(states[S.CHECK_STATUS]).toEqual({
      Type: 'Choice',
      Choices: [{
        And: [
          { Variable: '$.response.statusCode', NumericGreaterThanEquals: 200 },
          { Variable: '$.response.statusCode', NumericLessThanEquals: 299 },
        ],
        Next: S.SUCCEEDED,
      }],
      Default: S.API_CALL_FAILED,
    });
  });

  test('ApiCallFailed records error ApiCallFailed with the status in the cause, then fails', () => {
    expect(states[S.API_CALL_FAILED]).toEqual({
      Type: 'Pass',
      Parameters: {
        'Error': 'ApiCallFailed',
        'Cause.$': "States.Format('The API answered with status {}, outside the success range 200-299.', $.response.statusCode)",
      },
      ResultPath: '$.error',
      Next: S.FAILED,
    });
  });

  test('uses JSONPath only: no JSONata, no IsPresent false conditions', () => {
    const text = JSON.stringify(definition);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/"(Arguments|Output|Assign)"/);
    expect(text).not.toMatch(/"IsPresent":false/);
  });
});

describe('successStatus', () => {
  test('a single status compares with NumericEquals', () => {
    const choice = definitionWith({ successStatus: StatusRange.of(204) }).States[S.CHECK_STATUS];
    expect(choice.Choices).toEqual([{ Variable: '$.response.statusCode', NumericEquals: 204, Next: S.SUCCEEDED }]);
  });

  test('a custom range shows in the condition and in the ApiCallFailed cause', () => {
    const states = definitionWith({ successStatus: StatusRange.between(200, 399) }).States;
    expect(states[S.CHECK_STATUS].Choices[0].And[1]).toEqual({ Variable: '$.response.statusCode', NumericLessThanEquals: 399 });
    expect(states[S.API_CALL_FAILED].Parameters['Cause.$']).toContain('outside the success range 200-399.');
  });
});

describe('retry', () => {
  test('RetryPolicy.none() leaves both tasks without Retry', () => {
    const states = definitionWith({ retry: RetryPolicy.none() }).States;
    expect(states[S.CALL_API].Retry).toBeUndefined();
    expect(states[S.FETCH_TEMPLATE].Retry).toBeUndefined();
  });

  test('a custom policy shows in both retriers', () => {
    const states = definitionWith({
      retry: RetryPolicy.backoff({
        maxAttempts: 5, interval: Duration.seconds(1), backoffRate: 1.5, maxDelay: Duration.seconds(10), jitter: sfn.JitterType.NONE,
      }),
    }).States;
    for (const name of [S.CALL_API, S.FETCH_TEMPLATE]) {
      expect(states[name].Retry[0]).toMatchObject({ MaxAttempts: 5, IntervalSeconds: 1, BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: 'NONE' });
    }
  });
});

describe('validateInput', () => {
  const definition = definitionWith({ validateInput: true });

  test('starts with ValidateInput, checking presence before type of templateName and method', () => {
    expect(definition.StartAt).toBe(S.VALIDATE_INPUT);
    expect(definition.States[S.VALIDATE_INPUT]).toEqual({
      Type: 'Choice',
      Choices: [{
        And: [
          { And: [{ Variable: '$.templateName', IsPresent: true }, { Variable: '$.templateName', IsString: true }] },
          { And: [{ Variable: '$.method', IsPresent: true }, { Variable: '$.method', IsString: true }] },
        ],
        Next: S.FETCH_TEMPLATE,
      }],
      Default: S.INVALID_INPUT,
    });
  });

  test('an invalid input records InvalidInput and fails', () => {
    expect(definition.States[S.INVALID_INPUT]).toEqual({
      Type: 'Pass',
      Parameters: { Error: 'InvalidInput', Cause: 'The execution input needs the string fields templateName and method.' },
      ResultPath: '$.error',
      Next: S.FAILED,
    });
  });

  test('costs exactly one more transition on the happy path', () => {
    expect(path(definition)).toEqual([S.VALIDATE_INPUT, S.FETCH_TEMPLATE, S.CALL_API, S.CHECK_STATUS, S.SUCCEEDED]);
  });
});

describe('waitBeforeCall', () => {
  test('adds a Wait state between FetchTemplate and CallApi', () => {
    const definition = definitionWith({ waitBeforeCall: Duration.seconds(30) });
    expect(definition.States[S.WAIT_BEFORE_CALL]).toEqual({ Type: 'Wait', Seconds: 30, Next: S.CALL_API });
    expect(path(definition)).toEqual([S.FETCH_TEMPLATE, S.WAIT_BEFORE_CALL, S.CALL_API, S.CHECK_STATUS, S.SUCCEEDED]);
  });
});

describe('hooks', () => {
  const definition = definitionWith({ waitBeforeCall: Duration.seconds(1) }, (stack) => ({
    beforeCall: new sfn.Pass(stack, 'Before', { resultPath: sfn.JsonPath.DISCARD }),
    afterSuccess: sfn.Chain.start(new sfn.Pass(stack, 'After1')).next(new sfn.Pass(stack, 'After2')),
    onFailure: new sfn.Pass(stack, 'Notify', { resultPath: sfn.JsonPath.DISCARD }),
  }));
  const states = definition.States;

  test('beforeCall runs after the wait, before CallApi', () => {
    expect(path(definition)).toEqual([S.FETCH_TEMPLATE, S.WAIT_BEFORE_CALL, 'Before', S.CALL_API, S.CHECK_STATUS, 'After1', 'After2', S.SUCCEEDED]);
  });

  test('afterSuccess runs on the success branch only, before Succeeded', () => {
    expect(states[S.CHECK_STATUS].Choices[0].Next).toBe('After1');
    expect(states.After2.Next).toBe(S.SUCCEEDED);
    expect(states[S.CHECK_STATUS].Default).toBe(S.API_CALL_FAILED);
  });

  test('onFailure runs on every failure path before Failed', () => {
    expect(states[S.FETCH_TEMPLATE].Catch[0].Next).toBe('Notify');
    expect(states[S.CALL_API].Catch.at(-1).Next).toBe('Notify');
    expect(states[S.API_CALL_FAILED].Next).toBe('Notify');
    expect(states.Notify.Next).toBe(S.FAILED);
  });

  test('onFailure also follows InvalidInput', () => {
    const validated = definitionWith({ validateInput: true }, (stack) => ({ onFailure: new sfn.Pass(stack, 'Notify') }));
    expect(validated.States[S.INVALID_INPUT].Next).toBe('Notify');
  });
});

describe('parallelBranches', () => {
  const definition = definitionWith({}, (stack) => ({
    parallelBranches: [new sfn.Pass(stack, 'Audit'), new sfn.Pass(stack, 'Metrics')],
  }));
  const states = definition.States;
  const parallel = states[S.CALL_API_WITH_BRANCHES];

  test('CallApi runs in a Parallel next to the branches, followed by CheckStatus', () => {
    expect(path(definition)).toEqual([S.FETCH_TEMPLATE, S.CALL_API_WITH_BRANCHES, S.CHECK_STATUS, S.SUCCEEDED]);
    expect(parallel.Branches[0].StartAt).toBe(S.CALL_API);
    expect(parallel.Branches[1].StartAt).toBe(S.PARALLEL_BRANCHES);
    expect(parallel.Branches[1].States[S.PARALLEL_BRANCHES].Branches.map((b: any) => b.StartAt)).toEqual(['Audit', 'Metrics']);
  });

  test('the state stays flat: input, template and response, plus branches (in order)', () => {
    expect(parallel.Branches[0].States[S.CALL_API]).toMatchObject({ ResultPath: '$.response', End: true });
    expect(parallel.Branches[1].States[S.PARALLEL_BRANCHES].ResultSelector).toEqual({ 'branches.$': '$' });
    expect(parallel.ResultSelector).toEqual({ 'output.$': 'States.JsonMerge($[0], $[1], false)' });
    expect(parallel.ResultPath).toBeUndefined();
    expect(parallel.OutputPath).toBe('$.output');
    expect(WorkflowPaths.BRANCHES).toBe('$.branches');
  });

  test('errors are caught on the Parallel (CallApi keeps its retries)', () => {
    expect(parallel.Catch.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: S.FAILED });
    const callApi = allStates(definition)[S.CALL_API];
    expect(callApi.Catch).toBeUndefined();
    expect(callApi.Retry[0].ErrorEquals).toEqual(RetryPolicy.CALL_API_ERRORS);
  });
});
