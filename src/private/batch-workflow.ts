import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { rendererEvent } from './api-call-workflow';
import { ApiCallerErrors, TemplateAttribute } from '../contract';
import { RetryPolicy } from '../retry-policy';
import { StatusRange } from '../status-range';
import { BatchStateNames as S } from '../templated-api-batch-names';
import { addRateLimitRetry, addRetry } from './add-retry';

/** What the batch workflow is built from (the caller's table, renderer and policies). */
export interface BatchWorkflowSettings {
  readonly table: dynamodb.ITable;
  readonly rendererFunction: lambda.IFunction;
  readonly retry: RetryPolicy;
  readonly successStatus: StatusRange;
  readonly rateLimited: boolean;
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

/**
 * The batch definition (JSONPath, so that it also runs locally):
 *
 *   CountItems → CallItems (Distributed Map, EXPRESS children) → CollectResults → CountResults
 *   → CheckFailures → BatchSucceeded, or BatchFailed (too many failed items)
 *
 * An item never fails its child execution: the item processor catches every failure and records
 * `{ index, status: FAILED, error, cause, statusCode? }`, so the results keep one entry per item,
 * in item order, in the shape a caller needs to retry exactly the failed ones. The tolerated
 * failure thresholds are checked on those records after the Map (a few transitions per batch,
 * none per item); the Map's own thresholds are the same values and apply to child executions that
 * fail outside the processor (a Lambda service error after retries, a child timeout).
 */
export function batchWorkflow(scope: Construct, s: BatchWorkflowSettings): sfn.IChainable {
  const countItems = new sfn.Pass(scope, S.COUNT_ITEMS, {
    parameters: {
      'templateName.$': '$.templateName',
      'method.$': '$.method',
      'items.$': '$.items',
      'total.$': 'States.ArrayLength($.items)',
    },
  });

  const callItems = new sfn.DistributedMap(scope, S.CALL_ITEMS, {
    itemsPath: '$.items',
    itemSelector: {
      'index.$': '$$.Map.Item.Index',
      'templateName.$': '$.templateName',
      'method.$': '$.method',
      'params.$': '$$.Map.Item.Value',
    },
    maxConcurrency: s.maxConcurrency,
    // Child executions are EXPRESS: billed by request and duration, not per state transition.
    mapExecutionType: sfn.StateMachineType.EXPRESS,
    toleratedFailureCount: s.toleratedFailureCount,
    toleratedFailurePercentage: s.toleratedFailurePercentage,
    resultPath: '$.results',
  });
  callItems.itemProcessor(itemProcessor(new Construct(scope, 'Item'), s), { mode: sfn.ProcessorMode.DISTRIBUTED, executionType: sfn.ProcessorType.EXPRESS });

  // JSONPath filters select the records of each status; their lengths are the counts.
  const collect = new sfn.Pass(scope, S.COLLECT_RESULTS, {
    parameters: {
      'total.$': '$.total',
      'results.$': '$.results',
      'succeededResults.$': "$.results[?(@.status == 'SUCCEEDED')]",
      'failedResults.$': "$.results[?(@.status == 'FAILED')]",
    },
  });
  const count = new sfn.Pass(scope, S.COUNT_RESULTS, {
    parameters: {
      'total.$': '$.total',
      'succeeded.$': 'States.ArrayLength($.succeededResults)',
      'failed.$': 'States.ArrayLength($.failedResults)',
      'results.$': '$.results',
    },
  });

  const succeeded = new sfn.Pass(scope, S.BATCH_SUCCEEDED, {
    parameters: { 'succeeded.$': '$.succeeded', 'failed.$': '$.failed', 'results.$': '$.results' },
  });
  const tooManyFailed = new sfn.Fail(scope, S.BATCH_FAILED, {
    error: ApiCallerErrors.BATCH_FAILURE_THRESHOLD,
    cause: `More items failed than the batch tolerates (${describeThreshold(s)}).`,
  });

  let chain = sfn.Chain.start(countItems).next(callItems).next(collect).next(count);
  const exceeded: sfn.Condition[] = [];
  if (s.toleratedFailureCount !== undefined) {
    exceeded.push(sfn.Condition.numberGreaterThan('$.failed', s.toleratedFailureCount));
  }
  if (s.toleratedFailurePercentage !== undefined) {
    // failed / total > p / 100  ⇔  100 · failed > p · total, in whole numbers: both products are
    // sums of doublings (States.MathAdd), a few Pass states per batch and none per item.
    const [numerator, denominator] = reduced(s.toleratedFailurePercentage, 100);
    const scaled = scaleBoth(scope, [['failed', denominator], ['total', numerator]]);
    chain = chain.next(scaled.chain);
    exceeded.push(sfn.Condition.numberGreaterThanJsonPath(`$.${scaled.outputs.failed}`, `$.${scaled.outputs.total}`));
  }
  // Without a threshold no failed item is tolerated, as a Distributed Map's own default.
  if (exceeded.length === 0) exceeded.push(sfn.Condition.numberGreaterThan('$.failed', 0));
  const check = new sfn.Choice(scope, S.CHECK_FAILURES)
    .when(exceeded.length === 1 ? exceeded[0] : sfn.Condition.or(...exceeded), tooManyFailed)
    .otherwise(succeeded);
  return chain.next(check);
}

/** The call for one item, as the caller's workflow makes it; every failure becomes a record. */
function itemProcessor(scope: Construct, s: BatchWorkflowSettings): sfn.IChainable {
  const failed = new sfn.Pass(scope, S.ITEM_FAILED, {
    parameters: { 'index.$': '$.index', 'status': 'FAILED', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
  });
  const fetchTemplate = new tasks.DynamoGetItem(scope, S.ITEM_FETCH_TEMPLATE, {
    table: s.table,
    key: {
      [TemplateAttribute.NAME]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.templateName')),
      [TemplateAttribute.METHOD]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.method')),
    },
    resultPath: '$.template',
  });
  addRetry(fetchTemplate, RetryPolicy.FETCH_TEMPLATE_ERRORS, s.retry);
  fetchTemplate.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const callApi = new tasks.LambdaInvoke(scope, S.ITEM_CALL_API, {
    lambdaFunction: s.rendererFunction,
    payload: sfn.TaskInput.fromJsonPathAt(rendererEvent()),
    retryOnServiceExceptions: false,
    resultSelector: { statusCode: sfn.JsonPath.numberAt('$.Payload.statusCode') },
    resultPath: '$.response',
  });
  if (s.rateLimited) addRateLimitRetry(callApi);
  addRetry(callApi, RetryPolicy.CALL_API_ERRORS, s.retry);
  callApi.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const itemSucceeded = new sfn.Pass(scope, S.ITEM_SUCCEEDED, {
    parameters: { 'index.$': '$.index', 'status': 'SUCCEEDED', 'statusCode.$': '$.response.statusCode' },
  });
  const apiCallFailed = new sfn.Pass(scope, S.ITEM_API_CALL_FAILED, {
    parameters: {
      'index.$': '$.index',
      'status': 'FAILED',
      'statusCode.$': '$.response.statusCode',
      'error': ApiCallerErrors.API_CALL_FAILED,
      'cause.$': `States.Format('The API answered with status {}, outside the success range ${s.successStatus}.', $.response.statusCode)`,
    },
  });
  const status = '$.response.statusCode';
  const inRange = s.successStatus.low === s.successStatus.high
    ? sfn.Condition.numberEquals(status, s.successStatus.low)
    : sfn.Condition.and(
      sfn.Condition.numberGreaterThanEquals(status, s.successStatus.low),
      sfn.Condition.numberLessThanEquals(status, s.successStatus.high));
  return sfn.Chain.start(fetchTemplate).next(callApi).next(new sfn.Choice(scope, S.ITEM_CHECK_STATUS)
    .when(inRange, itemSucceeded)
    .otherwise(apiCallFailed));
}


function describeThreshold(s: BatchWorkflowSettings): string {
  const parts = [
    ...(s.toleratedFailureCount === undefined ? [] : [`more than ${s.toleratedFailureCount} items`]),
    ...(s.toleratedFailurePercentage === undefined ? [] : [`more than ${s.toleratedFailurePercentage} % of the items`]),
  ];
  return parts.length === 0 ? 'any failed item' : parts.join(' or ');
}

/** a/b in lowest terms. */
function reduced(a: number, b: number): [number, number] {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  const g = gcd(a, b) || 1;
  return [a / g, b / g];
}

/**
 * Pass states multiplying state fields by whole constants (`failed · k`, `total · m`) with
 * States.MathAdd only: doublings, then the sum of the powers of two each constant is made of.
 */
function scaleBoth(scope: Construct, factors: Array<[string, number]>): { chain: sfn.Chain; outputs: Record<string, string> } {
  const bits = Math.max(...factors.map(([, k]) => Math.max(1, Math.ceil(Math.log2(k + 1)))));
  const keep = { 'total.$': '$.total', 'succeeded.$': '$.succeeded', 'failed.$': '$.failed', 'results.$': '$.results' };
  const doubled = (field: string, bit: number) => `${field}x${2 ** bit}`;
  let chain: sfn.Chain | undefined;
  let carried: Record<string, string> = {};
  for (let bit = 0; bit < bits; bit++) {
    const parameters: Record<string, string> = { ...keep, ...carried };
    for (const [field] of factors) {
      parameters[`${doubled(field, bit)}.$`] = bit === 0 ? `$.${field}` : `States.MathAdd($.${doubled(field, bit - 1)}, $.${doubled(field, bit - 1)})`;
    }
    const pass = new sfn.Pass(scope, `${S.SCALE_FAILURES}${bit}`, { parameters });
    chain = chain === undefined ? sfn.Chain.start(pass) : chain.next(pass);
    carried = Object.fromEntries(Object.keys(parameters).filter((k) => !(k in keep)).map((k) => [k, `$.${k.slice(0, -2)}`]));
  }
  const sums: Record<string, string> = { ...keep };
  const outputs: Record<string, string> = {};
  for (const [field, k] of factors) {
    const terms = [...Array(bits).keys()].filter((bit) => Math.floor(k / 2 ** bit) % 2 === 1).map((bit) => `$.${doubled(field, bit)}`);
    outputs[field] = `${field}Scaled`;
    sums[`${field}Scaled.$`] = terms.length === 0 ? 'States.MathAdd(0, 0)' : terms.slice(1).reduce((sum, term) => `States.MathAdd(${sum}, ${term})`, terms.length === 1 ? `States.MathAdd(${terms[0]}, 0)` : terms[0]);
  }
  return { chain: chain!.next(new sfn.Pass(scope, `${S.SCALE_FAILURES}Sum`, { parameters: sums })), outputs };
}
