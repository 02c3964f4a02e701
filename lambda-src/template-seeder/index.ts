// The seeding custom resource's handler (CloudFormation custom resource protocol): run seed.ts,
// then PUT the outcome to the pre-signed ResponseURL. Every path answers, a timeout included,
// so a stack never waits an hour for a lost response.
import * as http from 'node:http';
import * as https from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { seed, type SeedingEvent } from './seed';

export interface CustomResourceEvent extends SeedingEvent {
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
}

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back to answer CloudFormation before the function is stopped. */
const ANSWER_MARGIN_MS = 10_000;
/** CloudFormation refuses responses over 4 KB. */
const MAX_REASON_CHARS = 3_000;

let client: DynamoDBClient | undefined;

export async function handler(event: CustomResourceEvent, context?: LambdaContext): Promise<void> {
  client ??= new DynamoDBClient({});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const remaining = context?.getRemainingTimeInMillis?.() ?? Infinity;
    if (Number.isFinite(remaining)) {
      timer = setTimeout(() => reject(new Error('the template seeder ran out of time')), Math.max(0, remaining - ANSWER_MARGIN_MS));
    }
  });
  try {
    const result = await Promise.race([seed(event, client), deadline]);
    const { physicalResourceId, written, deleted } = result;
    log('INFO', { requestType: event.RequestType, physicalResourceId, written, deleted });
    await respond(event, 'SUCCESS', result.physicalResourceId, undefined, { Written: result.written, Deleted: result.deleted });
  } catch (error) {
    const reason = `${(error as Error).name}: ${(error as Error).message}`;
    log('ERROR', { requestType: event.RequestType, error: reason });
    // A failed Create keeps no physical id of its own: CloudFormation's Delete must not touch other templates.
    const physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}@failed-${event.RequestId}`;
    await respond(event, 'FAILED', physicalResourceId, reason.slice(0, MAX_REASON_CHARS));
  } finally {
    clearTimeout(timer);
  }
}

function log(level: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, message: 'template seeding', ...fields })}\n`);
}

function respond(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', physicalResourceId: string, reason?: string, data?: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? status,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const url = new URL(event.ResponseURL);
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode !== undefined && res.statusCode < 300 ? resolve() : reject(new Error(`CloudFormation answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
