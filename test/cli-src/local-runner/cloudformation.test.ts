import { readStateMachine, resolveIntrinsics } from '../../../cli-src/local-runner/cloudformation';

const resources = {
  Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [], AttributeDefinitions: [] } },
  Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'templates' } },
  Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Code: { S3Key: 'abc123.zip' }, Environment: { Variables: { TABLE: { Ref: 'Table' }, FLAG: 'true' } } } },
};

describe('resolveIntrinsics', () => {
  test.each([
    [{ Ref: 'Table' }, 'Table'],
    [{ Ref: 'Named' }, 'templates'],
    [{ Ref: 'AWS::Partition' }, 'aws'],
    [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'arn:aws:lambda:local-1:000000000000:function:Fn'],
    [{ 'Fn::GetAtt': ['Named', 'Arn'] }, 'arn:aws:dynamodb:local-1:000000000000:table/templates'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'Named' }]] }, 'a-templates'],
    [{ 'Fn::Select': [1, { 'Fn::Split': ['/', 'x/y/z'] }] }, 'y'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:x:${Named}:${Fn.Arn}' }, 'arn:aws:x:templates:arn:aws:lambda:local-1:000000000000:function:Fn'],
    [{ 'Fn::Sub': ['${X}!', { X: { Ref: 'Named' } }] }, 'templates!'],
  ])('%j → %s', (value, expected) => {
    expect(resolveIntrinsics(value, resources)).toBe(expected);
  });
});

describe('readStateMachine', () => {
  const definition = { StartAt: 'A', States: { A: { Type: 'Task', Resource: '${FnArn}', End: true } } };
  const template = {
    Resources: {
      ...resources,
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          DefinitionString: { 'Fn::Join': ['', [JSON.stringify(definition)]] },
        },
      },
    },
  };

  test('resolves the definition, the DefinitionSubstitutions and the functions\' environment', () => {
    const withSubstitutions = {
      Resources: {
        ...resources,
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionString: JSON.stringify(definition),
            DefinitionSubstitutions: { FnArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
          },
        },
      },
    };
    const machine = readStateMachine(withSubstitutions);
    expect(machine.definition.States.A.Resource).toBe('arn:aws:lambda:local-1:000000000000:function:Fn');
    expect(machine.functions).toEqual([expect.objectContaining({ logicalId: 'Fn', assetPath: 'asset.abc123', environment: { TABLE: 'Table', FLAG: 'true' } })]);
    expect(machine.tables.map(t => t.tableName)).toEqual(['Table', 'templates']);
  });

  test('names the state machine it could not find', () => {
    expect(() => readStateMachine(template, 'Other')).toThrow(/no AWS::StepFunctions::StateMachine with logical id Other \(found: Machine\)/);
  });
});
