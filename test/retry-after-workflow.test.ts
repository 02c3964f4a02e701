// maxRetryAfter and the Retry-After loop of the workflow, as synthesized.
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { allStates, definitionOf } from './definition';
import { build, construct } from './stacks';
import { RendererEnvironment, RetryPolicy, WorkflowStateNames as S } from '../src';

function environment(built: ReturnType<typeof build>): Record<string, string> {
  const functions = built.template.findResources('AWS::Lambda::Function');
  const isRenderer = (fn: any) => fn.Properties.Environment?.Variables?.[RendererEnvironment.RETRYABLE_STATUSES] !== undefined;
  const renderer = Object.values(functions).find(isRenderer) as any;
  return renderer.Properties.Environment.Variables;
}

test('by default: waits of up to 60 s, the retry budget of the default policy, a catch before the catch-all', () => {
  const built = build();
  expect(environment(built)).toMatchObject({ [RendererEnvironment.MAX_RETRY_AFTER_SECONDS]: '60', [RendererEnvironment.RETRY_MAX_ATTEMPTS]: '3' });
  const states = allStates(definitionOf(built.template));
  expect(states[S.CALL_API].Catch.map((c: any) => c.ErrorEquals)).toEqual([['RetryAfterWait'], ['States.ALL']]);
  expect(states[S.CALL_API].Catch[0]).toMatchObject({ ResultPath: '$.retryAfter', Next: S.READ_RETRY_AFTER });
  // RetryAfterWait is caught, never retried.
  expect(states[S.CALL_API].Retry.flatMap((r: any) => r.ErrorEquals)).not.toContain('RetryAfterWait');
  expect(states[S.READ_RETRY_AFTER]).toEqual({
    Type: 'Pass', Parameters: { 'error.$': 'States.StringToJson($.retryAfter.Cause)' }, ResultPath: '$.retryAfter', Next: S.RECORD_RETRY_AFTER,
  });
  expect(states[S.RECORD_RETRY_AFTER]).toMatchObject({
    Parameters: {
      'seconds.$': "States.StringToJson(States.ArrayGetItem(States.StringSplit($.retryAfter.error.errorMessage, ' '), 2))",
      'attempt.$': "States.StringToJson(States.ArrayGetItem(States.StringSplit($.retryAfter.error.errorMessage, ' '), 5))",
    },
    ResultPath: '$.retryAfter',
    Next: S.WAIT_RETRY_AFTER,
  });
  expect(states[S.WAIT_RETRY_AFTER]).toEqual({ Type: 'Wait', SecondsPath: '$.retryAfter.seconds', Next: S.CALL_API });
});

test('maxRetryAfter and the policy reach the renderer', () => {
  const built = build({ maxRetryAfter: Duration.minutes(2), retry: RetryPolicy.backoff({ maxAttempts: 5 }) });
  expect(environment(built)).toMatchObject({ [RendererEnvironment.MAX_RETRY_AFTER_SECONDS]: '120', [RendererEnvironment.RETRY_MAX_ATTEMPTS]: '5' });
});

test('with retries off there is no loop and the renderer never asks to wait', () => {
  const built = build({ retry: RetryPolicy.none() });
  expect(environment(built)[RendererEnvironment.RETRY_MAX_ATTEMPTS]).toBeUndefined();
  expect(Object.keys(allStates(definitionOf(built.template)))).not.toContain(S.WAIT_RETRY_AFTER);
});

test('with parallel branches the loop calls the Parallel state again', () => {
  const built = build({}, (stack) => ({ parallelBranches: [new sfn.Pass(stack, 'Side')] }));
  const states = definitionOf(built.template).States;
  expect(states[S.CALL_API_WITH_BRANCHES].Catch[0]).toMatchObject({ ErrorEquals: ['RetryAfterWait'] });
  expect(states[S.WAIT_RETRY_AFTER].Next).toBe(S.CALL_API_WITH_BRANCHES);
});

test.each([
  [Duration.millis(1500), /maxRetryAfter.*whole number of seconds/],
  [Duration.seconds(0), /maxRetryAfter.*from 1 second/],
  [Duration.days(2), /maxRetryAfter.*to 1 day/],
])('maxRetryAfter %s is refused', (maxRetryAfter, message) => {
  expect(() => construct({ maxRetryAfter })).toThrow(message);
});

test('on EXPRESS a wait must fit in the 5-minute execution', () => {
  expect(() => construct({ stateMachineType: sfn.StateMachineType.EXPRESS, maxRetryAfter: Duration.minutes(5) })).toThrow(/maxRetryAfter.*4 minutes 59 seconds/);
});
