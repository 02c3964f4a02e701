// Reads the parts of a synthesized CloudFormation template that a local run needs: the state
// machine definition as plain ASL, and the tables and functions its tasks point at.

import { TemplateSeedingProperty } from '../../src/contract';

export type CfnTemplate = { Resources?: Record<string, CfnResource> };
export type CfnResource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };

/** A DynamoDB table declared in the template. */
export interface LocalTable {
  readonly logicalId: string;
  /** The name the definition uses for it (the physical name if set, else the logical id). */
  readonly tableName: string;
  readonly keySchema: { AttributeName: string; KeyType: string }[];
  readonly attributeDefinitions: { AttributeName: string; AttributeType: string }[];
}

/** A Lambda function declared in the template, with what a local invocation needs. */
export interface LocalFunction {
  readonly logicalId: string;
  /** The ARN the definition uses for it. */
  readonly arn: string;
  /** `file.export` of the handler. */
  readonly handler: string;
  /** Asset directory relative to the cloud assembly, if the template carries asset metadata. */
  readonly assetPath?: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

/** Items a template-seeding custom resource writes at deploy time. */
export interface SeededItems {
  readonly tableName: string;
  readonly items: Record<string, unknown>[];
}

export interface LocalStateMachine {
  readonly logicalId: string;
  /** Its name (StateMachineName, else the logical id) and ARN, as `$$.StateMachine` has them. */
  readonly name: string;
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** The execution role, as `$$.Execution.RoleArn` has it. */
  readonly roleArn: string;
  readonly definition: Record<string, any>;
  readonly tables: LocalTable[];
  readonly functions: LocalFunction[];
  /** What the stack's template-seeding custom resources put in the tables. */
  readonly seeded: SeededItems[];
  /** The names of the S3 buckets the template declares. */
  readonly buckets: string[];
}

export const LOCAL_REGION = 'local-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Reads the state machine `stateMachineId` (or the only one) out of a synthesized template. */
export function readStateMachine(template: CfnTemplate, stateMachineId?: string): LocalStateMachine {
  const resources = template.Resources ?? {};
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const chosen = stateMachineId === undefined ? machines : machines.filter(([id]) => id === stateMachineId);
  if (chosen.length !== 1) {
    const found = machines.map(([id]) => id).join(', ') || 'none';
    throw new Error(stateMachineId === undefined
      ? `expected exactly one AWS::StepFunctions::StateMachine in the template, found: ${found}; pass its logical id`
      : `no AWS::StepFunctions::StateMachine with logical id ${stateMachineId} (found: ${found})`);
  }
  const [logicalId, machine] = chosen[0];
  const resolve = (value: unknown) => resolveIntrinsics(value, resources);
  const definitionString = resolve(machine.Properties?.DefinitionString);
  if (typeof definitionString !== 'string') {
    throw new Error(`state machine ${logicalId} has no DefinitionString`);
  }
  const substitutions = machine.Properties?.DefinitionSubstitutions ?? {};
  const definition = JSON.parse(definitionString.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    const value = resolve(substitutions[name]);
    return typeof value === 'string' ? value : whole;
  }));

  const tables = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
    .map(([id, r]): LocalTable => ({
      logicalId: id,
      tableName: String(resolve({ Ref: id })),
      keySchema: r.Properties?.KeySchema ?? [],
      attributeDefinitions: r.Properties?.AttributeDefinitions ?? [],
    }));

  const functions = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]): LocalFunction => {
      const variables: Record<string, unknown> = r.Properties?.Environment?.Variables ?? {};
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(variables)) {
        environment[name] = String(resolve(value));
      }
      return {
        logicalId: id,
        arn: String(resolve({ 'Fn::GetAtt': [id, 'Arn'] })),
        handler: r.Properties?.Handler ?? 'index.handler',
        assetPath: r.Metadata?.['aws:asset:path'] ?? assetDirectoryOf(r.Properties?.Code),
        environment,
        timeoutSeconds: r.Properties?.Timeout ?? 3,
        memorySize: r.Properties?.MemorySize ?? 128,
      };
    });

  const seeded = Object.values(resources)
    .filter(r => r.Type === TemplateSeedingProperty.RESOURCE_TYPE)
    .map((r): SeededItems => ({
      tableName: String(resolve(r.Properties?.[TemplateSeedingProperty.TABLE_NAME])),
      items: resolve(r.Properties?.[TemplateSeedingProperty.TEMPLATES] ?? []) as Record<string, unknown>[],
    }));

  const buckets = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
    .map(([id]) => String(resolve({ Ref: id })));

  const name = String(resolve(machine.Properties?.StateMachineName ?? logicalId));
  return {
    logicalId,
    name,
    arn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`,
    type: machine.Properties?.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    roleArn: String(resolve(machine.Properties?.RoleArn ?? `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}Role`)),
    definition,
    tables,
    functions,
    seeded,
    buckets,
  };
}

/**
 * Without asset metadata (apps synthesized outside the CDK CLI), the asset directory follows
 * from the S3 key: `<hash>.zip` is staged as `asset.<hash>`.
 */
function assetDirectoryOf(code: { S3Key?: unknown } | undefined): string | undefined {
  const key = code?.S3Key;
  return typeof key === 'string' && key.endsWith('.zip') ? `asset.${key.slice(0, -'.zip'.length)}` : undefined;
}

/**
 * Resolves the intrinsics CDK emits in a definition to the names a local run uses: a Ref to a
 * table is its name, a function's Arn is a local ARN, pseudo parameters are local constants.
 */
export function resolveIntrinsics(value: unknown, resources: Record<string, CfnResource>): unknown {
  if (Array.isArray(value)) {
    return value.map(v => resolveIntrinsics(v, resources));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length !== 1) {
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resources)]));
  }
  const [[fn, args]] = entries;
  switch (fn) {
    case 'Ref':
      return resolveRef(String(args), resources);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(args) ? args : String(args).split('.');
      return resolveGetAtt(id, attribute, resources);
    }
    case 'Fn::Join': {
      const [separator, parts] = args as [string, unknown[]];
      return parts.map(p => resolveIntrinsics(p, resources)).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = args as [number, unknown];
      return (resolveIntrinsics(list, resources) as unknown[])[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, source] = args as [string, unknown];
      return String(resolveIntrinsics(source, resources)).split(separator);
    }
    case 'Fn::Sub': {
      const [source, variables] = Array.isArray(args) ? args : [args, {}];
      return String(source).replace(/\$\{([^}!]+)\}/g, (_whole, name: string) => {
        if (name in variables) return String(resolveIntrinsics(variables[name], resources));
        const [id, attribute] = name.split('.');
        return String(attribute ? resolveGetAtt(id, attribute, resources) : resolveRef(id, resources));
      });
    }
    default:
      return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resources)]));
  }
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
  'AWS::NoValue': '',
};

function resolveRef(id: string, resources: Record<string, CfnResource>): string {
  if (id in PSEUDO_PARAMETERS) return PSEUDO_PARAMETERS[id];
  const resource = resources[id];
  switch (resource?.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return resource.Properties?.TableName ?? id;
    case 'AWS::Lambda::Function':
      return resource.Properties?.FunctionName ?? id;
    case 'AWS::S3::Bucket':
      // Bucket names are lower case; the logical id stands in for the generated name.
      return resource.Properties?.BucketName ?? id.toLowerCase();
    default:
      return id;
  }
}

function resolveGetAtt(id: string, attribute: string, resources: Record<string, CfnResource>): string {
  const resource = resources[id];
  const name = resolveRef(id, resources);
  if (attribute === 'Arn') {
    switch (resource?.Type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${resource.Properties?.RoleName ?? id}`;
      default:
        return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
    }
  }
  return `${name}.${attribute}`;
}
