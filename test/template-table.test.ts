import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { build, construct, only } from './stacks';

describe('the default table', () => {
  const { template } = build();
  const table = only(template, 'AWS::DynamoDB::Table').resource;

  test('keys: PK (template name) and SK (HTTP method), both strings', () => {
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }]);
    expect(table.Properties.AttributeDefinitions).toEqual([{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }]);
  });

  test('on-demand billing', () => {
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('point-in-time recovery on', () => {
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  test('AWS-managed KMS encryption', () => {
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  test('retained when removed from the stack', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  test('no deletion protection and a generated name', () => {
    expect(table.Properties.DeletionProtectionEnabled).toBeUndefined();
    expect(table.Properties.TableName).toBeUndefined();
  });
});

describe('tableProps', () => {
  test('override the defaults', () => {
    const { template } = build({
      tableProps: {
        tableName: 'templates', removalPolicy: RemovalPolicy.DESTROY, pointInTimeRecovery: false, deletionProtection: true,
      },
    });
    const table = only(template, 'AWS::DynamoDB::Table').resource;
    expect(table.Properties).toMatchObject({
      TableName: 'templates',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Delete');
  });

  test('a customer-managed key encrypts the table and the state machine may decrypt with it', () => {
    const { template } = build({}, (stack) => ({ tableProps: { encryptionKey: new kms.Key(stack, 'Key') } }));
    const table = only(template, 'AWS::DynamoDB::Table').resource;
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
    const policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('kms:Decrypt');
  });
});

describe('an existing table', () => {
  test('is used as is: no table is created', () => {
    const { template, caller, stack } = build({}, (s) => ({ table: dynamodb.Table.fromTableName(s, 'Existing', 'my-templates') }));
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(stack.resolve(caller.table.tableName)).toBe('my-templates');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'dynamodb:GetItem',
          Resource: { 'Fn::Join': ['', Match.arrayWith([':table/my-templates'])] },
        })]),
      },
    });
  });

  test('with the PK/SK schema is accepted', () => {
    expect(() => construct({}, (s) => ({
      table: new dynamodb.Table(s, 'T', {
        partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      }),
    }))).not.toThrow();
  });

  test('is checked without deprecated aws-cdk-lib APIs (a consumer would see a warning)', () => {
    // JSII_DEPRECATED=fail turns aws-cdk-lib's deprecation warnings into errors.
    const saved = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'fail';
    try {
      expect(() => construct({}, (s) => ({
        table: new dynamodb.Table(s, 'T', {
          partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
        }),
      }))).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.JSII_DEPRECATED; else process.env.JSII_DEPRECATED = saved;
    }
  });

  test('with another key schema is a ValidationError naming table', () => {
    expect(() => construct({}, (s: Stack) => ({
      table: new dynamodb.Table(s, 'T', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }),
    }))).toThrow(/^table: the template table needs partition key PK and sort key SK, both strings; got id and no sort key/);
  });

  test('together with tableProps is a ValidationError naming both', () => {
    expect(() => construct({ tableProps: {} }, (s) => ({ table: dynamodb.Table.fromTableName(s, 'E', 'x') })))
      .toThrow(/^table: give either `table` \(an existing table\) or `tableProps`/);
  });
});
