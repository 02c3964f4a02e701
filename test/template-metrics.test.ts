// Per-template metrics (dashboard, error-rate alarms, the renderer's namespace) and the rate
// limits' table, as synthesized.
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { definitionOf } from './definition';
import { build, Built, construct, only } from './stacks';
import { ApiCallerErrors, ApiTemplate, HttpMethod, RetryPolicy } from '../src';

/** The renderer function's environment variables, resolved. */
function rendererVariables({ stack, caller }: Built): Record<string, unknown> {
  return stack.resolve((caller.rendererFunction.node.defaultChild as lambda.CfnFunction).environment).variables;
}

const getUser = ApiTemplate.of({ name: 'get-user', method: HttpMethod.GET, url: 'https://api.example.com/users/{{ id }}' });
const createUser = ApiTemplate.of({ name: 'create-user', method: HttpMethod.POST, url: 'https://api.example.com/users', rateLimit: { perSecond: 20, burst: 5 } });

describe('metrics', () => {
  test('off by default: no namespace on the renderer, no dashboard, no alarm beyond the workflow\'s three', () => {
    const built = build({ templates: [getUser] });
    const { template } = built;
    expect(rendererVariables(built).METRICS_NAMESPACE).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('on: the renderer writes to the namespace; one dashboard row (calls, errors, latency p50/p99) and one error-rate alarm per template', () => {
    const built = build({ templates: [getUser, createUser], metrics: { namespace: 'Orders/Api' } });
    const { template, caller, stack } = built;
    expect(rendererVariables(built).METRICS_NAMESPACE).toBe('Orders/Api');
    const body = JSON.stringify(stack.resolve(only(template, 'AWS::CloudWatch::Dashboard').resource.Properties.DashboardBody));
    for (const key of ['get-user GET', 'create-user POST']) {
      expect(body).toContain(`${key}: calls`);
      expect(body).toContain(`${key}: errors`);
      expect(body).toContain(`${key}: latency`);
    }
    expect(body).toContain('\\"stat\\":\\"p50\\"');
    expect(body).toContain('\\"stat\\":\\"p99\\"');
    expect(body).toContain('[\\"Orders/Api\\",\\"calls\\",\\"method\\",\\"GET\\",\\"template\\",\\"get-user\\"');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * FILL(errors, 0) / calls' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: { Namespace: 'Orders/Api', MetricName: 'errors', Dimensions: [{ Name: 'method', Value: 'GET' }, { Name: 'template', Value: 'get-user' }] }, Stat: 'Sum', Period: 300 }) }),
      ]),
    });
    expect(caller.metrics?.errorRateAlarms).toHaveLength(2);
  });

  test('templates put outside the stack get their row and alarm with addTemplate(); once per name and method', () => {
    const { caller, stack } = build({ metrics: { errorRateThreshold: 1, period: Duration.minutes(1) } }, (s) => ({ metrics: { topic: new sns.Topic(s, 'T'), errorRateThreshold: 1, period: Duration.minutes(1) } }));
    caller.metrics!.addTemplate('from-cli', HttpMethod.PUT);
    caller.metrics!.addTemplate('from-cli', HttpMethod.PUT);
    expect(caller.metrics!.errorRateAlarms).toHaveLength(1);
    const alarm = stack.resolve((caller.metrics!.errorRateAlarms[0].node.defaultChild as any)._cfnProperties);
    expect(alarm).toMatchObject({ threshold: 1, alarmActions: [expect.anything()], okActions: [expect.anything()] });
  });

  test('the default namespace; dashboard and alarms can be turned off', () => {
    const built = build({ templates: [getUser], metrics: { dashboard: false, errorRateAlarms: false } });
    const { template } = built;
    expect(rendererVariables(built).METRICS_NAMESPACE).toBe('TemplatedApiCaller');
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test.each([
    [{ namespace: 'AWS/Lambda' }, /metrics.namespace/],
    [{ namespace: 'a|b' }, /metrics.namespace/],
    [{ errorRateThreshold: 101 }, /metrics.errorRateThreshold/],
    [{ errorRateAlarms: false, errorRateThreshold: 2 }, /metrics.errorRateThreshold.*errorRateAlarms: false/],
    [{ dashboard: false, dashboardName: 'x' }, /metrics.dashboardName/],
    [{ period: Duration.seconds(90) }, /metrics.period/],
  ])('refused: %o', (metrics, message) => {
    expect(() => construct({ metrics })).toThrow(message);
  });

  test('the renderer\'s variables cannot be set by hand', () => {
    expect(() => construct({ rendererOptions: { environment: { METRICS_NAMESPACE: 'x' } } })).toThrow(/METRICS_NAMESPACE is set by the construct/);
  });
});

describe('rate limits', () => {
  test('a seeded template with a rate limit brings the buckets\' table (TTL, on-demand), UpdateItem for the renderer only, and a retry of RateLimitedError', () => {
    const built = build({ templates: [createUser], retry: RetryPolicy.none() });
    const { template } = built;
    const table = Object.entries(template.findResources('AWS::DynamoDB::Table')).find(([, r]) => r.Properties.TimeToLiveSpecification !== undefined)!;
    expect(table[1].Properties).toMatchObject({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true }, BillingMode: 'PAY_PER_REQUEST' });
    expect(rendererVariables(built).RATE_LIMIT_TABLE).toEqual({ Ref: table[0] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'dynamodb:UpdateItem', Effect: 'Allow', Resource: Match.arrayWith([{ 'Fn::GetAtt': [table[0], 'Arn'] }]) }]) },
    });
    const definition = definitionOf(template);
    // With RetryPolicy.none() the rate limit's retry is the only one.
    expect(definition.States.CallApi.Retry).toEqual([{ ErrorEquals: [ApiCallerErrors.RATE_LIMITED], IntervalSeconds: 1, MaxAttempts: 20, BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: 'FULL' }]);
  });

  test('no rate-limited template: no table, no retry of RateLimitedError; rateLimits: true adds them for templates put with the CLI', () => {
    const plain = build({ templates: [getUser] });
    expect(Object.keys(plain.template.findResources('AWS::DynamoDB::Table'))).toHaveLength(1);
    expect(plain.caller.rateLimitTable).toBeUndefined();
    const on = build({ rateLimits: true });
    expect(Object.keys(on.template.findResources('AWS::DynamoDB::Table'))).toHaveLength(2);
  });

  test('rateLimits: false with a rate-limited template is refused, naming the template', () => {
    expect(() => construct({ templates: [createUser], rateLimits: false })).toThrow(/templates\[0\]\.rateLimit.*'create-user' POST.*rateLimits: true/);
  });
});
