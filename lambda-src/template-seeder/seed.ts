// What the seeding custom resource does with the templates: validate every one with the
// template model's rules (as the renderer applies them to an item) and the renderer's own
// compiler, then write them in batches and delete the ones that left the stack. Nothing is
// written unless every template is valid.
import { BatchWriteItemCommand, DynamoDBClient, ResourceNotFoundException, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { TemplateAttribute, TemplateSeedingProperty } from '../../src/contract';
import { attributeProblems, decodeTemplateItem, isPlainObject, templateOfItem, templateParts } from '../renderer/item';
import { compileTemplate } from '../renderer/render';

export interface SeedingEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface SeedingResult {
  readonly physicalResourceId: string;
  readonly written: number;
  readonly deleted: number;
}

/** Invalid templates or properties: the message lists every problem, one per line. */
export class TemplateSeedingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSeedingError';
  }
}

type Item = Record<string, unknown>;

/** DynamoDB's BatchWriteItem limit. */
export const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

export interface SeedOptions {
  /** Delay before retrying unprocessed items, by attempt (0-based). */
  readonly backoffMs?: (attempt: number) => number;
}

export async function seed(event: SeedingEvent, client: DynamoDBClient, options: SeedOptions = {}): Promise<SeedingResult> {
  const tableName = tableNameOf(event.ResourceProperties);
  const physicalResourceId = `${event.LogicalResourceId}@${tableName}`;
  if (event.RequestType === 'Delete') {
    // Only what this resource wrote: a Create that failed answered with another physical id.
    if (event.PhysicalResourceId !== physicalResourceId) {
      return { physicalResourceId: event.PhysicalResourceId ?? physicalResourceId, written: 0, deleted: 0 };
    }
    const keys = templatesOf(event.ResourceProperties).map(keyOf);
    const deleted = await deleteKeys(client, tableName, keys, options, true);
    return { physicalResourceId, written: 0, deleted };
  }

  const items = validTemplates(event.ResourceProperties);
  await writeBatches(client, tableName, items.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } })), options);

  // An update on the same table deletes the templates that left the list; a new table (a new
  // physical id) makes CloudFormation send a Delete for the old one.
  let deleted = 0;
  if (event.RequestType === 'Update' && event.PhysicalResourceId === physicalResourceId && event.OldResourceProperties) {
    const kept = new Set(items.map((item) => keyString(keyOf(item))));
    const removed = templatesOf(event.OldResourceProperties).map(keyOf).filter((key) => !kept.has(keyString(key)));
    deleted = await deleteKeys(client, tableName, removed, options, false);
  }
  return { physicalResourceId, written: items.length, deleted };
}

/** Every template checked by the model's rules and its syntax compiled; all problems at once. */
export function validTemplates(properties: Record<string, unknown>): Item[] {
  const problems: string[] = [];
  const invalidTemplates = new Set<number>();
  const seen = new Set<string>();
  const items = templatesOf(properties).map((raw, index) => {
    const item = normalized(raw);
    const label = `template ${index + 1} ('${String(item[TemplateAttribute.NAME] ?? '')}' ${String(item[TemplateAttribute.METHOD] ?? '')})`;
    const report = (problem: string) => {
      problems.push(`${label}: ${problem}`);
      invalidTemplates.add(index);
    };
    // The model's rules in full: a template to write needs its key, and no payload on GET or HEAD.
    const fieldProblems = attributeProblems(templateOfItem(item));
    if (fieldProblems.length > 0) {
      fieldProblems.forEach(report);
      return item;
    }
    const key = keyString(keyOf(item));
    if (seen.has(key)) report('defined twice');
    seen.add(key);
    const decoded = decodeTemplateItem(item);
    const parts = templateParts({ ...templateOfItem(item), payload: decoded.payload }) as Array<[string, string]>;
    for (const [part, source] of parts) {
      try {
        compileTemplate(source, part);
      } catch (error) {
        report((error as Error).message);
      }
    }
    return item;
  });
  if (problems.length > 0) {
    const invalid = invalidTemplates.size;
    throw new TemplateSeedingError(`${invalid} invalid template${invalid === 1 ? '' : 's'}, none written:\n${problems.join('\n')}`);
  }
  return items;
}

function tableNameOf(properties: Record<string, unknown>): string {
  const tableName = properties[TemplateSeedingProperty.TABLE_NAME];
  if (typeof tableName !== 'string' || tableName === '') {
    throw new TemplateSeedingError(`property ${TemplateSeedingProperty.TABLE_NAME} must be a table name`);
  }
  return tableName;
}

function templatesOf(properties: Record<string, unknown>): Item[] {
  const templates = properties[TemplateSeedingProperty.TEMPLATES] ?? [];
  if (!Array.isArray(templates) || !templates.every(isPlainObject)) {
    throw new TemplateSeedingError(`property ${TemplateSeedingProperty.TEMPLATES} must be a list of template items`);
  }
  return templates;
}

/** CloudFormation hands every scalar property over as a string: the timeout is a number again. */
function normalized(raw: Item): Item {
  const item = { ...raw };
  const timeout = item[TemplateAttribute.TIMEOUT_MS];
  if (typeof timeout === 'string' && /^\d+$/.test(timeout)) item[TemplateAttribute.TIMEOUT_MS] = Number(timeout);
  // CloudFormation hands every property over as a string: maxPages too.
  const pagination = item[TemplateAttribute.PAGINATION];
  if (isPlainObject(pagination) && typeof pagination.maxPages === 'string' && /^\d+$/.test(pagination.maxPages)) {
    item[TemplateAttribute.PAGINATION] = { ...pagination, maxPages: Number(pagination.maxPages) };
  }
  const rateLimit = item[TemplateAttribute.RATE_LIMIT];
  if (isPlainObject(rateLimit)) {
    item[TemplateAttribute.RATE_LIMIT] = Object.fromEntries(Object.entries(rateLimit).map(([key, value]) =>
      [key, typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value]));
  }
  return item;
}

function keyOf(item: Item): Item {
  return { [TemplateAttribute.NAME]: item[TemplateAttribute.NAME], [TemplateAttribute.METHOD]: item[TemplateAttribute.METHOD] };
}

function keyString(key: Item): string {
  return JSON.stringify([key[TemplateAttribute.NAME], key[TemplateAttribute.METHOD]]);
}

async function deleteKeys(client: DynamoDBClient, tableName: string, keys: Item[], options: SeedOptions, tableMayBeGone: boolean): Promise<number> {
  const valid = keys.filter((key) => typeof key[TemplateAttribute.NAME] === 'string' && typeof key[TemplateAttribute.METHOD] === 'string');
  try {
    await writeBatches(client, tableName, valid.map((key) => ({ DeleteRequest: { Key: marshall(key) } })), options);
  } catch (error) {
    // Deleting the templates of a table that is already gone has nothing left to do.
    if (tableMayBeGone && error instanceof ResourceNotFoundException) return 0;
    throw error;
  }
  return valid.length;
}

async function writeBatches(client: DynamoDBClient, tableName: string, requests: WriteRequest[], options: SeedOptions): Promise<void> {
  const backoffMs = options.backoffMs ?? ((attempt: number) => Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    let pending = requests.slice(start, start + BATCH_SIZE);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_BATCH_ATTEMPTS) {
        throw new TemplateSeedingError(`DynamoDB left ${pending.length} writes unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
      }
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt - 1)));
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
