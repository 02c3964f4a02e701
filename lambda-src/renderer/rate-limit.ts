// A template's rate limit, shared by every execution, batch item and Lambda instance: a token
// bucket kept in DynamoDB as the generic cell rate algorithm (GCRA) keeps it, one number per
// template and method, the theoretical arrival time `tat` of the next call. A call conforms once
// `tat - now <= tau` (tau = (burst - 1) * interval); taking a token moves `tat` on by one interval.
//
// DynamoDB cannot compute max(tat, now), so there are two conditional updates, one per case:
//   idle (tat <= now):  SET tat = now + interval
//   busy (tat > now):   SET tat = tat + interval, if tat <= now + tau + maxWait
// The renderer guesses the case from the last `tat` it saw, so the happy path is one UpdateItem;
// a wrong guess costs one more. A busy update reserves a slot that may lie ahead: the call then
// waits for it (at most MAX_WAIT_MS), since the slot is already its own. Beyond that the bucket
// is left alone and the call fails with RateLimitedError, which the workflow retries later.
// A call that reaches its slot late (a slow answer from DynamoDB, a busy event loop) would land
// next to the following slot's call: it gives the slot up and takes another, so calls stay spaced.
// Late means more than a quarter of an interval, and at least 20 ms, so that DynamoDB's own
// latency (a few milliseconds) never counts: above 50 calls a second the bound is then
// perSecond + burst + 2 %.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RateLimitedError, RendererConfigurationError } from './errors';
import type { TemplateItem } from './item';
import { RendererEnvironment, TemplateAttribute, type RateLimit } from '../../src/contract';

/** Longest wait for a reserved slot inside one invocation (the function is billed while it waits). */
export const MAX_WAIT_MS = 1000;
/**
 * How late a call may reach its slot: a quarter of the interval (from 20 to 500 ms), so that a
 * call sent late, and then delayed a little more on its way, does not share a one-second window
 * with more calls than perSecond + burst.
 */
const MIN_LATE_MS = 20;
const MAX_LATE_MS = 500;
/** DynamoDB requests one token may take before the call fails with RateLimitedError (retried by the workflow). */
const MAX_REQUESTS = 5;
/** Buckets untouched for an hour expire (DynamoDB TTL): an idle bucket is full anyway. */
const TTL_SECONDS = 3600;
/** Attribute names of a bucket item (its key is the template's: PK = name, SK = method). */
export const BucketAttribute = { TAT: 'tat', EXPIRES_AT: 'expiresAt' } as const;

export interface RateLimitOutcome {
  /** How long the call waited for its slot, in milliseconds. */
  readonly waitedMs: number;
  /** DynamoDB requests the token took (1 on the happy path). */
  readonly requests: number;
}

// Loaded on first use: a function whose templates set no rate limit never loads the client.
let sdk: typeof import('@aws-sdk/client-dynamodb') | undefined;
let client: DynamoDBClient | undefined;
/** The last `tat` seen per bucket, to guess idle or busy. */
const lastTat = new Map<string, number>();

/** Forgets the client and what was seen (tests that change the endpoint). */
export function resetRateLimiter(): void {
  client?.destroy();
  client = undefined;
  lastTat.clear();
}

/** Takes a token of `item.rateLimit` from the bucket in `tableName`, waiting for a reserved slot if need be. */
export async function takeToken(
  item: TemplateItem, rateLimit: RateLimit, tableName: string | undefined, sleep = defaultSleep,
): Promise<RateLimitOutcome> {
  if (tableName === undefined) {
    throw new RendererConfigurationError(`template '${item.name}' ${item.method} sets a rate limit, but ${RendererEnvironment.RATE_LIMIT_TABLE} is not set: `
      + 'the construct adds the rate limit table when a template it seeds has a rateLimit, or with rateLimits: true');
  }
  const interval = 1000 / rateLimit.perSecond;
  const tau = ((rateLimit.burst ?? 1) - 1) * interval;
  const key = `${item.name}\u0000${item.method}`;
  const lateMs = Math.max(MIN_LATE_MS, Math.min(MAX_LATE_MS, interval / 4));
  let busy = (lastTat.get(key) ?? 0) > Date.now();
  const tried = new Set<boolean>();
  for (let requests = 1; requests <= MAX_REQUESTS; requests++) {
    const now = Date.now();
    const attempt = await update(tableName, item, busy
      ? {
        expression: `SET ${BucketAttribute.TAT} = ${BucketAttribute.TAT} + :interval, ${BucketAttribute.EXPIRES_AT} = :expires`,
        condition: `${BucketAttribute.TAT} > :now AND ${BucketAttribute.TAT} <= :latest`,
        values: { ':interval': interval, ':now': now, ':latest': now + tau + MAX_WAIT_MS, ':expires': expiry(now) },
      }
      : {
        expression: `SET ${BucketAttribute.TAT} = :next, ${BucketAttribute.EXPIRES_AT} = :expires`,
        condition: `attribute_not_exists(${BucketAttribute.TAT}) OR ${BucketAttribute.TAT} <= :now`,
        values: { ':next': now + interval, ':now': now, ':expires': expiry(now) },
      });
    if (attempt.tat !== undefined) {
      lastTat.set(key, attempt.tat);
      const slotAt = busy ? Math.max(now, attempt.tat - interval - tau) : now;
      const waitMs = slotAt - Date.now();
      if (waitMs > 0) await sleep(waitMs);
      if (Date.now() - slotAt <= lateMs) return { waitedMs: Math.max(0, Math.round(waitMs)), requests };
      busy = true;
      tried.clear();
      continue;
    }
    // The condition failed: the stored `tat` (when DynamoDB returns it) says which case holds.
    // Without it (local DynamoDB servers may not return it), the other case is tried once.
    tried.add(busy);
    const stored = attempt.storedTat;
    if (stored !== undefined) lastTat.set(key, stored);
    if (stored === undefined ? tried.size === 2 : stored > now + tau + MAX_WAIT_MS) {
      throw new RateLimitedError(`template '${item.name}' ${item.method}: no call slot within ${MAX_WAIT_MS} ms under its rate limit of ${rateLimit.perSecond}/s (burst ${rateLimit.burst ?? 1})`);
    }
    busy = stored === undefined ? !busy : stored > now;
  }
  throw new RateLimitedError(`template '${item.name}' ${item.method}: no call slot taken in ${MAX_REQUESTS} tries (busy bucket, or slots reached late)`);
}

interface UpdateSpec {
  readonly expression: string;
  readonly condition: string;
  readonly values: Record<string, number>;
}

async function update(tableName: string, item: TemplateItem, spec: UpdateSpec): Promise<{ tat?: number; storedTat?: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sdk ??= require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  client ??= new sdk.DynamoDBClient({});
  try {
    const output = await client.send(new sdk.UpdateItemCommand({
      TableName: tableName,
      Key: { [TemplateAttribute.NAME]: { S: item.name }, [TemplateAttribute.METHOD]: { S: item.method } },
      UpdateExpression: spec.expression,
      ConditionExpression: spec.condition,
      ExpressionAttributeValues: Object.fromEntries(Object.entries(spec.values).map(([name, value]) => [name, { N: String(value) }])),
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    return { tat: Number(output.Attributes?.[BucketAttribute.TAT]?.N) };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ConditionalCheckFailedException') {
      const stored = (error as { Item?: Record<string, { N?: string }> }).Item?.[BucketAttribute.TAT]?.N;
      return { storedTat: stored === undefined ? undefined : Number(stored) };
    }
    if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') {
      throw new RateLimitedError(`template '${item.name}' ${item.method}: the rate limit table is throttled (${name})`);
    }
    throw new RendererConfigurationError(`the rate limit table ${tableName} could not be updated: ${name}`);
  }
}

function expiry(nowMs: number): number {
  return Math.ceil(nowMs / 1000) + TTL_SECONDS;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
