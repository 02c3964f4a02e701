import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RendererEnvironment, TemplateAttribute } from '../contract';

/** The bucket attribute DynamoDB's TTL deletes (lambda-src/renderer/rate-limit.ts writes it). */
const EXPIRES_AT = 'expiresAt';

/**
 * The table of the rate limits' token buckets, one item per template and method (same key as
 * the template table). A table of its own, not the template table, so the renderer gets write
 * access to buckets only, never to templates. Buckets are state of the last hour, expired by
 * TTL: nothing in it needs keeping, so it goes with the stack.
 */
export function rateLimitTable(scope: Construct, id: string, renderer: lambda.Function): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    partitionKey: { name: TemplateAttribute.NAME, type: dynamodb.AttributeType.STRING },
    sortKey: { name: TemplateAttribute.METHOD, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: EXPIRES_AT,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // UpdateItem only: the renderer takes tokens, it never reads or deletes anything else.
  table.grant(renderer, 'dynamodb:UpdateItem');
  renderer.addEnvironment(RendererEnvironment.RATE_LIMIT_TABLE, table.tableName);
  Validations.of(table).acknowledge({
    id: 'AwsSolutions::AwsSolutions-DDB3',
    reason: 'Token buckets of the rate limits: state of the last hour that expires by TTL and rebuilds itself; there is nothing to recover to a point in time.',
  });
  return table;
}
