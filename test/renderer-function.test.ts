import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build, construct, only } from './stacks';
import { ApiAuth, RendererEnvironment, StatusRange } from '../src';

function rendererOf(template: ReturnType<typeof build>['template']) {
  return only(template, 'AWS::Lambda::Function');
}

describe('the default renderer function', () => {
  const { template, caller, stack } = build();
  const { resource: fn } = rendererOf(template);

  test('runs the prebuilt bundle: index.handler from an asset', () => {
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(fn.Metadata?.['aws:asset:path'] ?? 'asset').toBeDefined();
  });

  test('Node.js 22 on arm64', () => {
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
  });

  test('256 MB and a 30 second timeout', () => {
    expect(fn.Properties.MemorySize).toBe(256);
    expect(fn.Properties.Timeout).toBe(30);
  });

  test('X-Ray active', () => {
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  test('JSON logs to its own log group kept one month', () => {
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
    expect(stack.resolve(caller.rendererFunction.functionArn)).toEqual({ 'Fn::GetAtt': [rendererOf(template).id, 'Arn'] });
  });

  test('environment: private networks refused, default retryable statuses, 128 KiB cap, 10 s default call timeout', () => {
    expect(fn.Properties.Environment.Variables).toEqual({
      [RendererEnvironment.ALLOW_PRIVATE_NETWORKS]: 'false',
      [RendererEnvironment.RETRYABLE_STATUSES]: '429,500,502,503,504',
      [RendererEnvironment.MAX_RESPONSE_BYTES]: String(128 * 1024),
      [RendererEnvironment.DEFAULT_TIMEOUT_MS]: '10000',
      // Retry-After waits: up to 60 s, within the default policy's 3 retries.
      [RendererEnvironment.MAX_RETRY_AFTER_SECONDS]: '60',
      [RendererEnvironment.RETRY_MAX_ATTEMPTS]: '3',
    });
  });

  test('its role writes its logs and traces, and nothing else (no table access)', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] } },
      { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
    ]);
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('props wired into the function environment', () => {
  test('allowPrivateNetworks, allowedHosts, retryableStatuses, maxResponseSize, defaultCallTimeout, redaction', () => {
    const { template } = build({
      allowPrivateNetworks: true,
      allowedHosts: ['api.example.com', '*.hooks.example.com', '127.0.0.1'],
      retryableStatuses: [429, 503],
      maxResponseSize: Size.kibibytes(64),
      defaultCallTimeout: Duration.seconds(3),
      redactHeaders: ['X-Session'],
      secretParamNames: ['token', 'password'],
    });
    expect(rendererOf(template).resource.Properties.Environment.Variables).toEqual({
      ALLOW_PRIVATE_NETWORKS: 'true',
      ALLOWED_HOSTS: 'api.example.com,*.hooks.example.com,127.0.0.1',
      RETRYABLE_STATUSES: '429,503',
      MAX_RESPONSE_BYTES: '65536',
      DEFAULT_TIMEOUT_MS: '3000',
      REDACT_HEADERS: 'X-Session',
      SECRET_PARAM_NAMES: 'token,password',
      MAX_RETRY_AFTER_SECONDS: '60',
      RETRY_MAX_ATTEMPTS: '3',
    });
  });

  test('idempotencyKeyHeader sets IDEMPOTENCY_KEY_HEADER; unset by default', () => {
    const { template } = build({ idempotencyKeyHeader: 'Idempotency-Key' });
    expect(rendererOf(template).resource.Properties.Environment.Variables.IDEMPOTENCY_KEY_HEADER).toBe('Idempotency-Key');
    expect(rendererOf(build().template).resource.Properties.Environment.Variables).not.toHaveProperty('IDEMPOTENCY_KEY_HEADER');
  });

});

test('every variable of the RendererEnvironment contract is wired from a prop', () => {
  const { template } = build({ allowedHosts: ['a.example.com'], redactHeaders: ['X-A'], secretParamNames: ['token'], idempotencyKeyHeader: 'Idempotency-Key', renderLimits: { maxSteps: 10 }, rateLimits: true, metrics: {} },
    (stack) => ({ largeResponses: { bucket: new s3.Bucket(stack, 'Bodies') }, secrets: { apiKey: secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'api-key') }, auth: { aws: ApiAuth.awsSigV4({ service: 'lambda' }) } }));
  const names = Object.values(RendererEnvironment).filter((v) => typeof v === 'string');
  expect(names.length).toBeGreaterThanOrEqual(7);
  expect(Object.keys(rendererOf(template).resource.Properties.Environment.Variables).sort()).toEqual([...names].sort());
});

describe('rendererOptions', () => {
  test('override memory, timeout, architecture, runtime and retention; extra environment is kept', () => {
    const { template } = build({
      rendererOptions: {
        memorySize: 512,
        timeout: Duration.seconds(60),
        architecture: lambda.Architecture.X86_64,
        runtime: lambda.Runtime.NODEJS_24_X,
        logGroupRetention: logs.RetentionDays.ONE_WEEK,
        environment: { NODE_OPTIONS: '--enable-source-maps' },
        reservedConcurrentExecutions: 5,
      },
    });
    const fn = rendererOf(template).resource.Properties;
    expect(fn).toMatchObject({ MemorySize: 512, Timeout: 60, Architectures: ['x86_64'], Runtime: 'nodejs24.x', ReservedConcurrentExecutions: 5 });
    expect(fn.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', ALLOW_PRIVATE_NETWORKS: 'false' });
    expect(template.toJSON().Resources[fn.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(7);
  });

  test('a given role and log group are used as they are', () => {
    const { template } = build({}, (stack) => ({
      rendererOptions: {
        role: new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
        logGroup: new logs.LogGroup(stack, 'MyLogs'),
      },
    }));
    const fn = rendererOf(template).resource.Properties;
    expect(fn.Role['Fn::GetAtt'][0]).toMatch(/^Mine/);
    expect(fn.LoggingConfig.LogGroup.Ref).toMatch(/^MyLogs/);
    template.resourceCountIs('AWS::Logs::LogGroup', 2); // theirs and the state machine's
  });
});

describe('renderer validation errors', () => {
  test.each([
    ['rendererOptions.runtime', { rendererOptions: { runtime: lambda.Runtime.NODEJS_20_X } }, /must be Node.js 22 or later, got nodejs20.x/],
    ['rendererOptions.runtime', { rendererOptions: { runtime: lambda.Runtime.PYTHON_3_12 } }, /must be Node.js 22 or later, got python3.12/],
    ['rendererOptions.timeout', { rendererOptions: { timeout: Duration.minutes(16) } }, /must be from 1 second to 15 minutes/],
    ['defaultCallTimeout', { defaultCallTimeout: Duration.seconds(30) }, /must be an integer from 1 to 29999, got 30000/],
    ['defaultCallTimeout', { rendererOptions: { timeout: Duration.seconds(5) }, defaultCallTimeout: Duration.seconds(5) }, /must be an integer from 1 to 4999, got 5000/],
    ['rendererOptions.logRetention', { rendererOptions: { logRetention: logs.RetentionDays.ONE_DAY } }, /use `logGroupRetention`/],
    ['rendererOptions.environment', { rendererOptions: { environment: { ALLOW_PRIVATE_NETWORKS: 'true' } } }, /ALLOW_PRIVATE_NETWORKS is set by the construct/],
    ['maxResponseSize', { maxResponseSize: Size.kibibytes(257) }, /must be an integer from 1 to 262144, got 263168/],
    ['maxResponseSize', { maxResponseSize: Size.bytes(0) }, /must be an integer from 1 to 262144, got 0/],
    ['allowedHosts[1]', { allowedHosts: ['api.example.com', 'https://api.example.com'] }, /must be a host name/],
    ['allowedHosts[0]', { allowedHosts: ['a.example.com,b.example.com'] }, /must be a host name .*no scheme, port, path or comma/],
    ['redactHeaders[0]', { redactHeaders: ['X Bad'] }, /must be a header name without commas/],
    ['secretParamNames[0]', { secretParamNames: ['a,b'] }, /must be a top-level param name without commas/],
    ['idempotencyKeyHeader', { idempotencyKeyHeader: 'Idempotency Key' }, /must be a header name without commas, got 'Idempotency Key'/],
    ['idempotencyKeyHeader', { idempotencyKeyHeader: '' }, /must be a header name/],
    ['retryableStatuses[1]', { retryableStatuses: [503, 600] }, /must be an integer from 100 to 599, got 600/],
    ['retryableStatuses[0]', { retryableStatuses: [204] }, /204 is inside successStatus \(200-299\)/],
    ['retryableStatuses[0]', { retryableStatuses: [302], successStatus: StatusRange.between(200, 399) }, /302 is inside successStatus \(200-399\)/],
    ['retryableStatuses', { retryableStatuses: [] }, /must list at least one status/],
  ])('%s', (prop, props, message) => {
    expect(() => construct(props as any)).toThrow(new RegExp(`^${prop.replace(/[[\].]/g, '\\$&')}: ${message.source}`));
  });

  test('rendererOptions.logGroupRetention with logGroup', () => {
    expect(() => construct({}, (stack) => ({
      rendererOptions: { logGroup: new logs.LogGroup(stack, 'L'), logGroupRetention: logs.RetentionDays.ONE_DAY },
    }))).toThrow(/^rendererOptions.logGroupRetention: applies to the log group the construct creates/);
  });
});
