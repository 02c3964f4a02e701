import { Duration, Errors, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { definitionOf } from './definition';
import { build, construct, only } from './stacks';
import { RetryPolicy, StatusRange, TemplatedApiCaller } from '../src';

describe('the default state machine', () => {
  const { template, caller, stack } = build();
  const { id: machineId, resource: machine } = only(template, 'AWS::StepFunctions::StateMachine');

  test('is exposed with the table, the function and the log group', () => {
    expect(stack.resolve(caller.stateMachine.stateMachineArn)).toEqual({ Ref: machineId });
    expect(stack.resolve(caller.table.tableName)).toEqual({ Ref: only(template, 'AWS::DynamoDB::Table').id });
    expect(stack.resolve(caller.rendererFunction.functionName)).toEqual({ Ref: only(template, 'AWS::Lambda::Function').id });
    expect(stack.resolve(caller.logGroup.logGroupArn)).toEqual({
      'Fn::GetAtt': [machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0], 'Arn'],
    });
  });

  test('is STANDARD', () => {
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
  });

  test('times out after 5 minutes', () => {
    expect(definitionOf(template).TimeoutSeconds).toBe(300);
  });

  test('traces with X-Ray', () => {
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  test('logs all events without execution data to a log group kept one month', () => {
    const logging = machine.Properties.LoggingConfiguration;
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroupId = logging.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
  });

  test('its role may only getItem on the table and invoke the renderer (plus logs delivery and X-Ray)', () => {
    const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const tableId = only(template, 'AWS::DynamoDB::Table').id;
    const fnId = only(template, 'AWS::Lambda::Function').id;
    expect(statements[0]).toEqual({
      Action: 'dynamodb:GetItem',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: tableId }]] },
    });
    expect(statements[1]).toEqual({
      Action: 'lambda:InvokeFunction',
      Effect: 'Allow',
      Resource: [{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }],
    });
    // The rest is what Step Functions needs for logging and tracing, on resources that cannot be scoped.
    for (const rest of statements.slice(2)) {
      expect(rest.Resource).toBe('*');
      for (const action of [rest.Action].flat()) expect(action).toMatch(/^(logs|xray):/);
    }
  });

  test('has the three alarms, each on one event in 5 minutes, without actions', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.values(alarms).map((a: any) => a.Properties.MetricName).sort())
      .toEqual(['ExecutionThrottled', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const alarm of Object.values(alarms) as any[]) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/States',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
    expect(stack.resolve(caller.executionsFailedAlarm?.alarmArn)).toBeDefined();
    expect(caller.executionsThrottledAlarm).toBeInstanceOf(cloudwatch.Alarm);
    expect(caller.executionsTimedOutAlarm).toBeInstanceOf(cloudwatch.Alarm);
  });
});

describe('state machine props', () => {
  test('EXPRESS', () => {
    const { template } = build({ stateMachineType: sfn.StateMachineType.EXPRESS });
    expect(only(template, 'AWS::StepFunctions::StateMachine').resource.Properties.StateMachineType).toBe('EXPRESS');
    expect(definitionOf(template).TimeoutSeconds).toBe(300);
  });

  test('timeout', () => {
    expect(definitionOf(build({ timeout: Duration.minutes(2) }).template).TimeoutSeconds).toBe(120);
  });

  test('on STANDARD the default timeout grows with waitBeforeCall', () => {
    expect(definitionOf(build({ waitBeforeCall: Duration.hours(1) }).template).TimeoutSeconds).toBe(3900);
  });

  test('tracing off', () => {
    const machine = only(build({ tracing: false }).template, 'AWS::StepFunctions::StateMachine').resource;
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: false });
  });

  test('logging level, execution data and retention', () => {
    const { template } = build({ logging: { level: sfn.LogLevel.ERROR, includeExecutionData: true, retention: logs.RetentionDays.ONE_YEAR } });
    const logging = only(template, 'AWS::StepFunctions::StateMachine').resource.Properties.LoggingConfiguration;
    expect(logging).toMatchObject({ Level: 'ERROR', IncludeExecutionData: true });
    const logGroupId = logging.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(365);
  });

  test('logging to an existing log group creates none', () => {
    const { template, caller } = build({}, (stack) => ({ logging: { destination: new logs.LogGroup(stack, 'Mine') } }));
    template.resourceCountIs('AWS::Logs::LogGroup', 2); // theirs and the renderer's
    expect(caller.logGroup.node.id).toBe('Mine');
  });

  test('alarms notify an SNS topic on alarm and on recovery', () => {
    const { template } = build({}, (stack) => ({ alarms: { topic: new sns.Topic(stack, 'Ops'), period: Duration.minutes(1) } }));
    const topicId = only(template, 'AWS::SNS::Topic').id;
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(alarm.Properties).toMatchObject({ Period: 60, AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
    }
  });

  test('alarms can be turned off', () => {
    const { template, caller } = build({ alarms: { enabled: false } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(caller.executionsFailedAlarm).toBeUndefined();
    expect(caller.executionsThrottledAlarm).toBeUndefined();
    expect(caller.executionsTimedOutAlarm).toBeUndefined();
  });
});

describe('warnings', () => {
  const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('retries-exceed-timeout|States.Timeout'));

  test('none with the defaults (4 attempts of 30 s plus 14 s of delays fit in 5 minutes)', () => {
    expect(warningsOf(build().stack)).toEqual([]);
  });

  test('when every retry running to the function timeout would outlast the execution timeout', () => {
    const { stack } = build({ stateMachineType: sfn.StateMachineType.EXPRESS, rendererOptions: { timeout: Duration.minutes(2) } });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/CallApi may take up to 494 s \(4 attempts of up to 2 minutes plus delays\), longer than timeout \(5 minutes\)/);
  });
});

describe('grants', () => {
  function clientStatements(grant: (caller: ReturnType<typeof build>['caller'], role: iam.Role) => void, props = {}) {
    const stack = new Stack();
    const caller = new TemplatedApiCaller(stack, 'Caller', props);
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    grant(caller, role);
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    return {
      template,
      statements: Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement),
    };
  }

  test('grantStartExecution on STANDARD: states:StartExecution on the state machine', () => {
    const { statements, template } = clientStatements((c, r) => c.grantStartExecution(r));
    expect(statements).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: only(template, 'AWS::StepFunctions::StateMachine').id } }]);
  });

  test('grantStartExecution on EXPRESS also allows synchronous executions', () => {
    const { statements } = clientStatements((c, r) => c.grantStartExecution(r), { stateMachineType: sfn.StateMachineType.EXPRESS });
    expect(statements.map((s: any) => s.Action)).toEqual(['states:StartExecution', 'states:StartSyncExecution']);
  });

  test('grantTemplateRead: read actions on the table only', () => {
    const { statements, template } = clientStatements((c, r) => c.grantTemplateRead(r));
    expect(statements[0].Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
    for (const statement of statements) {
      expect(statement.Resource).toContainEqual({ 'Fn::GetAtt': [only(template, 'AWS::DynamoDB::Table').id, 'Arn'] });
    }
    expect(JSON.stringify(statements)).not.toMatch(/PutItem|DeleteItem|UpdateItem|BatchWrite/);
  });

  test('grantTemplateWrite: write actions on the table', () => {
    const { statements } = clientStatements((c, r) => c.grantTemplateWrite(r));
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
  });
});

describe('validation errors name the prop', () => {
  test.each([
    ['successStatus.low', { successStatus: StatusRange.between(99, 299) }, /must be an integer from 100 to 599, got 99/],
    ['successStatus.high', { successStatus: StatusRange.between(200, 600) }, /must be an integer from 100 to 599, got 600/],
    ['successStatus.low', { successStatus: StatusRange.of(200.5) }, /must be an integer from 100 to 599, got 200.5/],
    ['successStatus', { successStatus: StatusRange.between(300, 200) }, /the range 300-200 is empty \(low above high\)/],
    ['retry.maxAttempts', { retry: RetryPolicy.backoff({ maxAttempts: -1 }) }, /must be an integer from 0 to 99999999, got -1/],
    ['retry.maxAttempts', { retry: RetryPolicy.backoff({ maxAttempts: 1.5 }) }, /must be an integer from 0 to 99999999, got 1.5/],
    ['retry.interval', { retry: RetryPolicy.backoff({ interval: Duration.millis(1500) }) }, /must be a whole number of seconds, got 1 second 500 millis/],
    ['retry.interval', { retry: RetryPolicy.backoff({ interval: Duration.seconds(0) }) }, /must be from 1 second to/],
    ['retry.backoffRate', { retry: RetryPolicy.backoff({ backoffRate: 0.5 }) }, /must be a number from 1 to 1000, got 0.5/],
    ['retry.maxDelay', { retry: RetryPolicy.backoff({ interval: Duration.seconds(10), maxDelay: Duration.seconds(5) }) }, /must be at least retry.interval \(10 seconds\), got 5 seconds/],
    ['waitBeforeCall', { waitBeforeCall: Duration.millis(500) }, /must be a whole number of seconds, got 500 millis/],
    ['waitBeforeCall', { waitBeforeCall: Duration.minutes(5), stateMachineType: sfn.StateMachineType.EXPRESS }, /must be from 1 second to 4 minutes 59 seconds, got 5 minutes/],
    ['waitBeforeCall', { waitBeforeCall: Duration.minutes(10), timeout: Duration.minutes(10) }, /must be shorter than timeout \(10 minutes\), got 10 minutes/],
    ['timeout', { timeout: Duration.minutes(6), stateMachineType: sfn.StateMachineType.EXPRESS }, /must be from 1 second to 5 minutes, got 6 minutes/],
    ['timeout', { timeout: Duration.millis(100) }, /must be a whole number of seconds, got 100 millis/],
    ['alarms.period', { alarms: { period: Duration.seconds(90) } }, /must be a multiple of 60 seconds, got 1 minute 30 seconds/],
    ['alarms.period', { alarms: { period: Duration.seconds(30) } }, /must be from 1 minute to 1 day, got 30 seconds/],
  ])('%s', (prop, props, message) => {
    expect(() => construct(props as any)).toThrow(new RegExp(`^${prop.replace(/[[\].]/g, '\\$&')}: ${message.source}`));
  });

  test('logging.retention with logging.destination', () => {
    expect(() => construct({ logging: { retention: logs.RetentionDays.ONE_DAY } }, (stack) => ({
      logging: { retention: logs.RetentionDays.ONE_DAY, destination: new logs.LogGroup(stack, 'L') },
    }))).toThrow(/^logging.retention: applies to the log group the construct creates/);
  });

  test.each(['beforeCall', 'afterSuccess', 'onFailure'])('%s ending in a terminal state', (hook) => {
    expect(() => construct({}, (stack) => ({ [hook]: new sfn.Succeed(stack, 'Done') })))
      .toThrow(new RegExp(`^${hook}: must end in a state that can continue`));
  });

  test('RetryPolicy.none() skips the timing checks', () => {
    expect(() => construct({ retry: RetryPolicy.none() })).not.toThrow();
  });

  test('are ValidationErrors for the CDK (Errors.isValidationError) and carry the construct path', () => {
    let error: any;
    try {
      construct({ successStatus: StatusRange.between(300, 200) });
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('ValidationError');
    expect(Errors.isValidationError(error)).toBe(true);
    expect(error.constructPath).toBe('Test/Caller');
    expect(error.message).toMatch(/\(at Test\/Caller\)$/);
  });
});
