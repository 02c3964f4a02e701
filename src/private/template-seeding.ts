import * as path from 'path';
import { CustomResource, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ApiTemplate } from '../api-template';
import { TemplateAttribute, TemplateSeedingProperty } from '../contract';

/** The custom resource type, as it shows in CloudFormation. */
export const SEEDING_RESOURCE_TYPE = TemplateSeedingProperty.RESOURCE_TYPE;
/**
 * Templates travel in the custom resource's properties, which CloudFormation delivers to the
 * seeder as one asynchronous Lambda event (at most 256 KB) and keeps in the template (at most
 * 1 MB): 200 KB of templates leaves room for the envelope and the old properties on update.
 */
export const MAX_SEEDED_BYTES = 200 * 1024;

const SEEDER_ID = 'TemplatedApiCallerTemplateSeeder';

/** The table item of a template, as the seeder receives it. */
export function templateItem(template: ApiTemplate): Record<string, unknown> {
  const item: Record<string, unknown> = {
    [TemplateAttribute.NAME]: template.name,
    [TemplateAttribute.METHOD]: template.method,
    [TemplateAttribute.URL]: template.url,
  };
  if (template.headers !== undefined) item[TemplateAttribute.HEADERS] = template.headers;
  if (template.payload !== undefined) item[TemplateAttribute.PAYLOAD] = template.payload;
  if (template.timeout !== undefined) item[TemplateAttribute.TIMEOUT_MS] = template.timeout.toMilliseconds();
  if (template.description !== undefined) item[TemplateAttribute.DESCRIPTION] = template.description;
  if (template.response !== undefined) item[TemplateAttribute.RESPONSE] = template.response;
  if (template.pagination !== undefined) item[TemplateAttribute.PAGINATION] = { ...template.pagination };
  if (template.auth !== undefined) item[TemplateAttribute.AUTH] = template.auth;
  if (template.rateLimit !== undefined) item[TemplateAttribute.RATE_LIMIT] = { ...template.rateLimit };
  return item;
}

/**
 * One custom resource writing all of a construct's templates to its table: validated with the
 * renderer's compiler first, written in batches, removed templates deleted on update, all of
 * them deleted with the resource. The seeder function is one per stack.
 */
export function templateSeedingResource(
  scope: Construct, id: string, table: dynamodb.ITable, items: () => Array<Record<string, unknown>>,
): CustomResource {
  const seeder = seederFunction(Stack.of(scope));
  table.grantWriteData(seeder);
  return new CustomResource(scope, id, {
    serviceToken: seeder.functionArn,
    resourceType: SEEDING_RESOURCE_TYPE,
    properties: {
      [TemplateSeedingProperty.TABLE_NAME]: table.tableName,
      [TemplateSeedingProperty.TEMPLATES]: Lazy.any({ produce: items }),
    },
  });
}

function seederFunction(stack: Stack): lambda.Function {
  const existing = stack.node.tryFindChild(SEEDER_ID);
  if (existing) return existing.node.findChild('Function') as lambda.Function;

  const scope = new Construct(stack, SEEDER_ID);
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Template seeder of templated-api-caller: writes ApiTemplates to template tables and its logs',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  const fn = new lambda.Function(scope, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    // Validation compiles every template; writes are batched. CloudFormation gets an answer
    // before this runs out (the seeder keeps a margin).
    timeout: Duration.minutes(5),
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'template-seeder')),
    handler: 'index.handler',
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    description: 'Validates ApiTemplates and writes them to the template table (templated-api-caller)',
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions::AwsSolutions-L1',
    reason: 'The seeder bundle is built and tested for Node.js 22 (esbuild --target=node22), a supported Lambda runtime.',
  });
  return fn;
}
