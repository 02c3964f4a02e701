import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ValidationError } from './validation-error';
import { TemplateAttribute } from '../contract';
import { TemplateTableProps } from '../template-table';

/**
 * The table holding the templates: the existing one, checked when its schema is known, or a new
 * one with production defaults (on-demand, point-in-time recovery, AWS-managed encryption, retained).
 */
export function templateTable(scope: Construct, id: string, existing?: dynamodb.ITable, props?: TemplateTableProps): dynamodb.ITable {
  if (existing && props) {
    throw new ValidationError('table', 'give either `table` (an existing table) or `tableProps` (settings of a new one), not both', scope);
  }
  if (existing) {
    checkSchema(scope, existing);
    return existing;
  }
  return new dynamodb.Table(scope, id, {
    tableName: props?.tableName,
    partitionKey: { name: TemplateAttribute.NAME, type: dynamodb.AttributeType.STRING },
    sortKey: { name: TemplateAttribute.METHOD, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props?.pointInTimeRecovery ?? true },
    encryption: props?.encryption ?? (props?.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED),
    encryptionKey: props?.encryptionKey,
    deletionProtection: props?.deletionProtection,
    removalPolicy: props?.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

// A table defined in the same app knows its key schema; an imported one does not (it is trusted).
// schemaV2, not the deprecated schema(): consumers would see a deprecation warning at synth.
function checkSchema(scope: Construct, table: dynamodb.ITable): void {
  if (!(table instanceof dynamodb.Table)) return;
  const { partitionKeys, sortKeys } = table.schemaV2();
  const isString = (keys: dynamodb.Attribute[], name: string) =>
    keys.length === 1 && keys[0].name === name && keys[0].type === dynamodb.AttributeType.STRING;
  if (!isString(partitionKeys, TemplateAttribute.NAME) || !isString(sortKeys, TemplateAttribute.METHOD)) {
    const names = (keys: dynamodb.Attribute[]) => keys.map(k => k.name).join(' + ');
    throw new ValidationError('table',
      `the template table needs partition key ${TemplateAttribute.NAME} and sort key ${TemplateAttribute.METHOD}, both strings; `
      + `got ${names(partitionKeys) || 'no partition key'} and ${names(sortKeys) || 'no sort key'}`, scope);
  }
}
