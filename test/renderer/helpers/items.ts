// Template items in the AttributeValue form the workflow passes (GetItem output).
import { marshall } from '@aws-sdk/util-dynamodb';

export interface PlainItem {
  PK?: string;
  SK: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
  timeoutMs?: number;
}

/** `{ Item: <AttributeValue map> }`, as `getItem` returns it. */
export function getItemOutput(item: PlainItem): { Item: Record<string, unknown> } {
  return { Item: marshall({ PK: 'test-template', ...item }, { removeUndefinedValues: true }) };
}
