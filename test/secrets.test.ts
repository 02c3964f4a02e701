import { Duration, Errors, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build, construct } from './stacks';
import { RendererEnvironment, TemplatedApiCallerProps } from '../src';

function renderer(built: ReturnType<typeof build>): any {
  const id = built.stack.getLogicalId(built.caller.rendererFunction.node.defaultChild as any);
  return built.template.toJSON().Resources[id];
}

function rendererStatements(built: ReturnType<typeof build>): any[] {
  const roleId = renderer(built).Properties.Role['Fn::GetAtt'][0];
  return Object.values(built.template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const withSecrets = (stack: Stack): TemplatedApiCallerProps => ({
  secrets: {
    apiKey: new secretsmanager.Secret(stack, 'ApiKey'),
    partner: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Partner', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-AbCdEf'),
  },
});

describe('without secrets', () => {
  const built = build();
  test('the renderer gets no secret variables and no Secrets Manager permission', () => {
    const variables = renderer(built).Properties.Environment.Variables;
    expect(variables[RendererEnvironment.SECRET_ARNS]).toBeUndefined();
    expect(variables[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]).toBeUndefined();
    expect(JSON.stringify(rendererStatements(built))).not.toContain('secretsmanager');
  });
});

describe('with secrets', () => {
  const built = build({}, withSecrets);
  const apiKeyId = Object.keys(built.template.findResources('AWS::SecretsManager::Secret'))[0];

  test('the renderer gets name → ARN as JSON, and the default cache TTL of 5 minutes', () => {
    const variables = renderer(built).Properties.Environment.Variables;
    const arns = built.stack.resolve(variables[RendererEnvironment.SECRET_ARNS]);
    expect(arns).toEqual({ 'Fn::Join': ['', ['{"apiKey":"', { Ref: apiKeyId }, '","partner":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-AbCdEf"}']] });
    expect(variables[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]).toBe('300');
  });

  test('the renderer may read exactly these secrets (GetSecretValue, DescribeSecret)', () => {
    const statements = rendererStatements(built).filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(statements).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: apiKeyId } },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-AbCdEf' },
    ]);
  });

  test('secret values never enter the state machine definition', () => {
    const definition = JSON.stringify(built.template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).not.toMatch(/secretsmanager|SECRET_ARNS/);
  });
});

test('secretsCacheTtl sets the TTL; 0 turns caching off', () => {
  for (const [ttl, seconds] of [[Duration.minutes(1), '60'], [Duration.seconds(0), '0']] as const) {
    const built = build({ secretsCacheTtl: ttl }, withSecrets);
    expect(renderer(built).Properties.Environment.Variables[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]).toBe(seconds);
  }
});

test('a secret encrypted with a customer-managed key can be decrypted by the renderer through Secrets Manager only', () => {
  const built = build({}, (stack) => ({ secrets: { apiKey: new secretsmanager.Secret(stack, 'ApiKey', { encryptionKey: new kms.Key(stack, 'Key') }) } }));
  const keyPolicy = JSON.stringify(Object.values(built.template.findResources('AWS::KMS::Key'))[0]);
  expect(keyPolicy).toContain('kms:Decrypt');
  expect(keyPolicy).toContain('secretsmanager.');
});

describe('validation', () => {
  test.each([
    ['a name templates cannot use as secrets.<name>', { secrets: { 'api-key': 'x' } }, /secrets\.api-key: a secret name must be an identifier/],
    ['a name starting with a digit', { secrets: { '1key': 'x' } }, /secrets\.1key: a secret name must be an identifier/],
    ['secretsCacheTtl without secrets', { secretsCacheTtl: Duration.minutes(1) }, /secretsCacheTtl: applies to `secrets`, and none are given/],
    ['secretsCacheTtl beyond a day', { secrets: { k: 'x' }, secretsCacheTtl: Duration.days(2) }, /secretsCacheTtl: must be from 0 seconds to 1 day/],
    ['secretsCacheTtl in fractions of a second', { secrets: { k: 'x' }, secretsCacheTtl: Duration.millis(1500) }, /secretsCacheTtl: must be a whole number of seconds/],
    ['SECRET_ARNS set through rendererOptions.environment', { secrets: { k: 'x' }, rendererOptions: { environment: { SECRET_ARNS: '{}' } } }, /rendererOptions.environment: SECRET_ARNS is set by the construct/],
  ])('refuses %s', (_, props: any, message) => {
    let error: unknown;
    try {
      construct({ ...props, secrets: undefined }, (stack) => (props.secrets === undefined ? {} : {
        secrets: Object.fromEntries(Object.keys(props.secrets).map((name) => [name, secretsmanager.Secret.fromSecretNameV2(stack, `S${name}`, 'n')])),
      }));
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(message);
  });
});
