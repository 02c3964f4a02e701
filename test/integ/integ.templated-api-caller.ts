// Integration test: deploys a TemplatedApiCaller, puts a template into its table and runs two
// real executions, one against a public echo API (SUCCEEDED) and one for a missing template
// (FAILED with TemplateNotFound). Run it with an AWS account: `npx projen integ` (CONTRIBUTING.md).
// Without an account, test/integ/integ-snapshot.test.ts keeps the committed snapshot current.
import { IntegTest, ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { RetryPolicy, TemplatedApiCaller } from '../../src';

/** The public echo endpoint the test calls, and the only host the renderer may call. */
export const ECHO_HOST = 'postman-echo.com';

export function buildIntegApp(app = new App()): App {
  const stack = new Stack(app, 'TemplatedApiCallerInteg');
  const caller = new TemplatedApiCaller(stack, 'ApiCaller', {
    allowedHosts: [ECHO_HOST],
    retry: RetryPolicy.backoff({ maxAttempts: 2, interval: Duration.seconds(2) }),
  });
  // Nothing the test creates may outlive it: the table, log groups and the rest go with the stack.
  RemovalPolicies.of(stack).destroy();

  const integ = new IntegTest(app, 'TemplatedApiCallerIntegTest', {
    testCases: [stack],
    // The update workflow would first deploy the committed snapshot, whose assets are not committed.
    stackUpdateWorkflow: false,
  });

  const putTemplate = integ.assertions.awsApiCall('DynamoDB', 'putItem', {
    TableName: caller.table.tableName,
    Item: {
      PK: { S: 'echo-order' },
      SK: { S: 'GET' },
      url: { S: `https://${ECHO_HOST}/get?order={{ orderId | urlencode }}` },
      headers: { M: { 'X-Request-Source': { S: 'templated-api-caller-integ' } } },
      timeoutMs: { N: '5000' },
    },
  });

  const startEcho = integ.assertions.awsApiCall('StepFunctions', 'startExecution', {
    stateMachineArn: caller.stateMachine.stateMachineArn,
    input: JSON.stringify({ templateName: 'echo-order', method: 'GET', params: { orderId: 'ord 1/2' } }),
  });
  const echoDone = integ.assertions.awsApiCall('StepFunctions', 'describeExecution', {
    executionArn: startEcho.getAttString('executionArn'),
  }).expect(ExpectedResult.objectLike({
    status: 'SUCCEEDED',
    // The rendered URL reached the API: the echo returns the decoded query parameter.
    output: Match.serializedJson(Match.objectLike({
      response: Match.objectLike({
        statusCode: 200,
        body: Match.objectLike({ args: { order: 'ord 1/2' } }),
      }),
    })),
  })).waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(5) });

  const startMissing = integ.assertions.awsApiCall('StepFunctions', 'startExecution', {
    stateMachineArn: caller.stateMachine.stateMachineArn,
    input: JSON.stringify({ templateName: 'no-such-template', method: 'GET', params: {} }),
  });
  const missingDone = integ.assertions.awsApiCall('StepFunctions', 'describeExecution', {
    executionArn: startMissing.getAttString('executionArn'),
  }).expect(ExpectedResult.objectLike({
    status: 'FAILED',
    error: 'TemplateNotFound',
  })).waitForAssertions({ totalTimeout: Duration.minutes(2), interval: Duration.seconds(5) });

  putTemplate.next(startEcho).next(echoDone).next(startMissing).next(missingDone);
  return app;
}

if (require.main === module) buildIntegApp().synth();
