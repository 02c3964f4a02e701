import { App, Duration, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { build, construct, only } from './stacks';
import { ApiTemplate, HttpMethod, TemplatedApiCaller } from '../src';

const getUser = ApiTemplate.of({ name: 'get-user', method: HttpMethod.GET, url: 'https://api.example.com/users/{{ id }}', timeout: Duration.seconds(5), description: 'a user' });
const createUser = ApiTemplate.of({
  name: 'create-user',
  method: HttpMethod.POST,
  url: 'https://api.example.com/users',
  headers: { 'Content-Type': 'application/json' },
  payload: '{{ user | tojson }}',
});

function seedingResources(template: Template): Array<[string, any]> {
  return Object.entries(template.findResources('Custom::TemplatedApiCallerTemplates'));
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('without templates', () => {
  test('there is no seeding resource and no seeder function', () => {
    const { template } = build();
    expect(seedingResources(template)).toEqual([]);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(1);
  });
});

describe('the seeding custom resource', () => {
  const { template, stack, caller } = build({ templates: [getUser, createUser] });
  const [[resourceId, resource]] = seedingResources(template);
  const functions = template.findResources('AWS::Lambda::Function');
  const seederId = Object.keys(functions).find(id => id !== stack.getLogicalId(caller.rendererFunction.node.defaultChild as any))!;

  test('is one resource carrying every template as the item the renderer reads, for the construct\'s table', () => {
    expect(seedingResources(template)).toHaveLength(1);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [seederId, 'Arn'] },
      TableName: { Ref: only(template, 'AWS::DynamoDB::Table').id },
      Templates: [
        { PK: 'get-user', SK: 'GET', url: 'https://api.example.com/users/{{ id }}', timeoutMs: 5000, description: 'a user' },
        { PK: 'create-user', SK: 'POST', url: 'https://api.example.com/users', headers: { 'Content-Type': 'application/json' }, payload: '{{ user | tojson }}' },
      ],
    });
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resourceId).toMatch(/^CallerTemplates/);
  });

  test('is served by the seeder bundle on Node.js 22 arm64 with a 5 minute timeout and JSON logs kept one month', () => {
    const seeder = functions[seederId];
    expect(seeder.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
      MemorySize: 256,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    const logGroupId = seeder.Properties.LoggingConfig.LogGroup.Ref;
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
  });

  test('the seeder may only write to the table and its own log group', () => {
    const seederRole = functions[seederId].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === seederRole))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const tableId = only(template, 'AWS::DynamoDB::Table').id;
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/LogGroup/), 'Arn'] } },
      {
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
      },
    ]);
    expect(template.toJSON().Resources[seederRole].Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('addTemplate', () => {
  test('adds to the same resource, including templates added after the constructor', () => {
    const stack = new Stack(new App(), 'Test');
    const caller = new TemplatedApiCaller(stack, 'Caller', { templates: [getUser] });
    caller.addTemplate(createUser);
    const [[, resource]] = seedingResources(Template.fromStack(stack));
    expect(resource.Properties.Templates.map((t: any) => `${t.PK} ${t.SK}`)).toEqual(['get-user GET', 'create-user POST']);
  });

  test('creates the resource on first use', () => {
    const stack = new Stack(new App(), 'Test');
    const caller = new TemplatedApiCaller(stack, 'Caller');
    caller.addTemplate(getUser);
    expect(seedingResources(Template.fromStack(stack))).toHaveLength(1);
  });

  test('two constructs in a stack share one seeder function, each with its own resource and table grant', () => {
    const stack = new Stack(new App(), 'Test');
    new TemplatedApiCaller(stack, 'A', { templates: [getUser] });
    new TemplatedApiCaller(stack, 'B', { templates: [getUser] });
    const template = Template.fromStack(stack);
    expect(seedingResources(template)).toHaveLength(2);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(3);
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const seederPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('TemplatedApiCallerTemplateSeeder'))![1];
    const tableGrants = seederPolicy.Properties.PolicyDocument.Statement.filter((s: any) => String(s.Action).includes('dynamodb'));
    expect(tableGrants.map((s: any) => s.Resource[0]['Fn::GetAtt'][0]).sort()).toEqual(tables.sort());
  });

  test('seeds an existing table too', () => {
    const { template } = build({ templates: [getUser] }, stack => ({ table: dynamodb.Table.fromTableName(stack, 'Existing', 'my-templates') }));
    expect(seedingResources(template)[0][1].Properties.TableName).toBe('my-templates');
  });
});

describe('validation', () => {
  test.each([
    ['the same name and method twice in templates', () => construct({ templates: [getUser, getUser] }),
      /templates\[1\]: template 'get-user' GET \(ApiTemplate 'get-user' GET\) is already defined \(ApiTemplate 'get-user' GET\); name and method identify a template/],
    ['a template added again', () => construct({ templates: [getUser] }).addTemplate(ApiTemplate.of({ name: 'get-user', method: HttpMethod.GET, url: 'https://other.example' })),
      /addTemplate\(ApiTemplate 'get-user' GET\): template 'get-user' GET .* is already defined/],
    ['a timeout as long as the renderer function timeout (30 s by default)', () => construct({ templates: [ApiTemplate.of({ name: 'slow', method: HttpMethod.GET, url: 'https://a', timeout: Duration.seconds(30) })] }),
      /templates\[0\]\.timeout: template 'slow' GET \(ApiTemplate 'slow' GET\): 30 seconds must be shorter than the renderer function timeout \(30 seconds\)/],
    ['a timeout beyond rendererOptions.timeout', () => construct({ rendererOptions: { timeout: Duration.seconds(10) }, defaultCallTimeout: Duration.seconds(5), templates: [ApiTemplate.of({ name: 'slow', method: HttpMethod.GET, url: 'https://a', timeout: Duration.seconds(12) })] }),
      /templates\[0\]\.timeout: .*12 seconds must be shorter than the renderer function timeout \(10 seconds\)/],
    ['more template text than the custom resource can carry', () => construct({
      templates: Array.from({ length: 3 }, (_, i) => ApiTemplate.of({ name: `big${i}`, method: HttpMethod.POST, url: 'https://a', payload: 'x'.repeat(90 * 1024) })),
    }), /templates\[2\]: template 'big2' POST .* brings the templates to \d+ bytes, more than the 204800 the seeding custom resource can carry/],
  ])('refuses %s', (_, make, message) => {
    const error = thrown(make);
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(message);
  });

  test('a timeout just under the function timeout, and the same name with another method, are fine', () => {
    expect(() => construct({
      templates: [
        ApiTemplate.of({ name: 'x', method: HttpMethod.GET, url: 'https://a', timeout: Duration.millis(29_999) }),
        ApiTemplate.of({ name: 'x', method: HttpMethod.DELETE, url: 'https://a' }),
      ],
    })).not.toThrow();
  });
});
