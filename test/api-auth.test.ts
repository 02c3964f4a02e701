// Authentication profiles at synth: what reaches the renderer's environment (ARNs, never values),
// the grants (exactly the profiles' secrets), and every mistake refused with the prop named.
import { Duration, Errors, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build, construct } from './stacks';
import {
  ApiAuth, ApiAuthKind, ApiTemplate, AuthSecret, ClientCredentialsMethod, HttpMethod, RendererEnvironment, TemplatedApiCallerProps,
} from '../src';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:billing-AbCdEf';
const OTHER_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-AbCdEf';

const profiles = (stack: Stack): TemplatedApiCallerProps => {
  const billing = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Billing', ARN);
  const partner = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Partner', OTHER_ARN);
  return {
    auth: {
      'billing': ApiAuth.oauth2ClientCredentials({
        tokenUrl: 'https://auth.example.com/oauth/token',
        clientId: 'client-1',
        clientSecret: AuthSecret.fromJsonField(billing, 'clientSecret'),
        scopes: ['invoices:read'],
        audience: 'https://api.example.com',
        sendCredentials: ClientCredentialsMethod.REQUEST_BODY,
      }),
      'partner': ApiAuth.basic({ username: 'me', password: AuthSecret.fromJsonField(partner, 'password') }),
      'legacy.v1': ApiAuth.bearer({ token: AuthSecret.fromJsonField(partner, 'token') }),
      'search': ApiAuth.apiKey({ value: AuthSecret.fromSecret(billing), queryParameter: 'key' }),
      'aws': ApiAuth.awsSigV4({ service: 'execute-api', region: 'eu-west-1' }),
    },
    templates: [ApiTemplate.of({ name: 'invoices', method: HttpMethod.GET, url: 'https://api.example.com/invoices', auth: 'billing' })],
  };
};

function renderer(built: ReturnType<typeof build>): any {
  const id = built.stack.getLogicalId(built.caller.rendererFunction.node.defaultChild as any);
  return built.template.toJSON().Resources[id];
}

describe('profiles', () => {
  const built = build({}, profiles);

  test('the renderer gets each profile with secret ARNs and JSON fields, no values', () => {
    const json = renderer(built).Properties.Environment.Variables[RendererEnvironment.AUTH_PROFILES];
    expect(JSON.parse(json)).toEqual({
      'billing': {
        kind: ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS,
        tokenUrl: 'https://auth.example.com/oauth/token',
        clientId: 'client-1',
        clientSecret: { arn: ARN, field: 'clientSecret' },
        scopes: ['invoices:read'],
        audience: 'https://api.example.com',
        sendCredentials: ClientCredentialsMethod.REQUEST_BODY,
      },
      'partner': { kind: 'basic', username: 'me', password: { arn: OTHER_ARN, field: 'password' } },
      'legacy.v1': { kind: 'bearer', token: { arn: OTHER_ARN, field: 'token' } },
      'search': { kind: 'apiKey', value: { arn: ARN }, queryParameter: 'key' },
      'aws': { kind: 'awsSigV4', service: 'execute-api', region: 'eu-west-1' },
    });
    expect(renderer(built).Properties.Environment.Variables[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]).toBe('300');
  });

  test('the renderer may read exactly the profiles\' secrets, each once', () => {
    built.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ARN },
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: OTHER_ARN },
        ]),
      },
    });
    const text = JSON.stringify(built.template.toJSON());
    expect(text.split(`"Resource":"${ARN}"`)).toHaveLength(2);
  });

  test('the template item carries its profile', () => {
    const seeded = JSON.stringify(built.template.findResources('Custom::TemplatedApiCallerTemplates'));
    expect(seeded).toContain('"auth":"billing"');
  });

  test('without profiles nothing changes', () => {
    const plain = build();
    expect(renderer(plain).Properties.Environment.Variables).not.toHaveProperty(RendererEnvironment.AUTH_PROFILES);
    expect(JSON.stringify(plain.template.toJSON())).not.toContain('secretsmanager');
  });

  test('http token endpoints are allowed with allowPrivateNetworks (local token servers)', () => {
    expect(() => construct({ allowPrivateNetworks: true }, stack => ({
      auth: { local: ApiAuth.oauth2ClientCredentials({ tokenUrl: 'http://127.0.0.1:8080/token', clientId: 'c', clientSecret: AuthSecret.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 's')) }) },
    }))).not.toThrow();
  });

  test('secretsCacheTtl applies to the profiles\' secrets', () => {
    const ttl = build({ secretsCacheTtl: Duration.seconds(30) }, profiles);
    expect(renderer(ttl).Properties.Environment.Variables[RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]).toBe('30');
  });
});

describe('mistakes are refused at synth, naming the prop', () => {
  const secret = (stack: Stack) => AuthSecret.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 's'));
  const oauth2 = (stack: Stack, tokenUrl: string, more: object = {}) => ApiAuth.oauth2ClientCredentials({ tokenUrl, clientId: 'c', clientSecret: secret(stack), ...more });
  test.each<[string, TemplatedApiCallerProps, (stack: Stack) => TemplatedApiCallerProps, RegExp]>([
    ['a template naming an unknown profile', {}, stack => ({
      auth: { billing: oauth2(stack, 'https://auth.example.com/t') },
      templates: [ApiTemplate.of({ name: 'x', method: HttpMethod.GET, url: 'https://api.example.com', auth: 'biling' })],
    }), /templates\[0\]\.auth: template 'x' GET names the authentication profile 'biling', which `auth` does not define \(profiles: billing\)/],
    ['a template naming a profile when there are none', {}, () => ({
      templates: [ApiTemplate.of({ name: 'x', method: HttpMethod.GET, url: 'https://api.example.com', auth: 'billing' })],
    }), /\(profiles: none\)/],
    ['an http token endpoint', {}, stack => ({ auth: { b: oauth2(stack, 'http://auth.example.com/t') } }), /auth\.b\.tokenUrl: must be https/],
    ['a token endpoint outside allowedHosts', { allowedHosts: ['api.example.com'] }, stack => ({ auth: { b: oauth2(stack, 'https://auth.example.com/t') } }),
      /auth\.b\.tokenUrl: the host auth\.example\.com is not in allowedHosts/],
    ['a token URL that is not a URL', {}, stack => ({ auth: { b: oauth2(stack, 'auth.example.com/t') } }), /auth\.b\.tokenUrl: must be an absolute URL/],
    ['extraParameters setting grant_type', {}, stack => ({ auth: { b: oauth2(stack, 'https://a.example.com/t', { extraParameters: { grant_type: 'password' } }) } }),
      /auth\.b\.extraParameters\.grant_type: is set by the renderer/],
    ['a scope with a space', {}, stack => ({ auth: { b: oauth2(stack, 'https://a.example.com/t', { scopes: ['a b'] }) } }), /auth\.b\.scopes\[0\]: a scope is printable ASCII/],
    ['an API key in a header and a query parameter', {}, stack => ({ auth: { k: ApiAuth.apiKey({ value: secret(stack), header: 'X-Key', queryParameter: 'key' }) } }),
      /auth\.k\.header: give header or queryParameter, not both/],
    ['an API key in a reserved header', {}, stack => ({ auth: { k: ApiAuth.apiKey({ value: secret(stack), header: 'Host' }) } }), /auth\.k\.header: must be a header name a request may set/],
    ['a Basic user name with a colon', {}, stack => ({ auth: { u: ApiAuth.basic({ username: 'a:b', password: secret(stack) }) } }), /auth\.u\.username: cannot contain a colon/],
    ['a profile name templates cannot give', {}, () => ({ auth: { 'my profile': ApiAuth.awsSigV4({ service: 'lambda' }) } }), /auth\.my profile: a profile name is letters/],
    ['an empty SigV4 service', {}, () => ({ auth: { aws: ApiAuth.awsSigV4({ service: '' }) } }), /auth\.aws\.service: must be a non-empty string/],
    ['AUTH_PROFILES set through rendererOptions.environment', { rendererOptions: { environment: { AUTH_PROFILES: '{}' } } }, () => ({ auth: { aws: ApiAuth.awsSigV4({ service: 'lambda' }) } }),
      /rendererOptions.environment: AUTH_PROFILES is set by the construct/],
  ])('%s', (_case, props, extra, message) => {
    let error: unknown;
    try {
      construct(props, extra);
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(message);
  });

  test('a template field that is not a profile name is refused by the template model', () => {
    expect(() => ApiTemplate.of({ name: 'x', method: HttpMethod.GET, url: 'https://a', auth: 'no spaces allowed' }))
      .toThrow(/ApiTemplate 'x' GET\.auth: must name an authentication profile/);
  });
});
