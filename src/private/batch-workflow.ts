import { Aws } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { rendererEvent, successCondition } from './api-call-workflow';
import { ApiCallerErrors, TemplateAttribute } from '../contract';
import { RetryPolicy } from '../retry-policy';
import { StatusRange } from '../status-range';
import { BatchStateNames as S } from '../templated-api-batch-names';
import { addRateLimitRetry, addRetry } from './add-retry';
import { retryAfterLoop } from './retry-after';

/** The Distributed Map's error when more items failed than tolerated. */
const EXCEED_TOLERATED_FAILURE_THRESHOLD = 'States.ExceedToleratedFailureThreshold';

/** What the batch workflow is built from (the caller's table, renderer and policies). */
export interface BatchWorkflowSettings {
  readonly table: dynamodb.ITable;
  readonly rendererFunction: lambda.IFunction;
  readonly retry: RetryPolicy;
  readonly successStatus: StatusRange;
  readonly rateLimited: boolean;
  /** The renderer may ask to wait for the API's Retry-After (RetryAfterWait). */
  readonly retryAfter: boolean;
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** Where `itemsFrom` may point (read granted by the construct). */
  readonly itemsBucket?: s3.IBucket;
  /** Where the Map writes its results; without it they come back in the output. */
  readonly results?: BatchResults;
}

/** Where a batch writes its results: the bucket and the key prefix. */
export interface BatchResults {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
}

/** The formats `itemsFrom.format` may name, with the ItemReader of each. */
const READERS: Record<string, (bucketNamePath: string, key: string) => sfn.IItemReader> = {
  JSON: (bucketNamePath, key) => new sfn.S3JsonItemReader({ bucketNamePath, key }),
  JSONL: (bucketNamePath, key) => new sfn.S3JsonLItemReader({ bucketNamePath, key }),
  CSV: (bucketNamePath, key) => new sfn.S3CsvItemReader({ bucketNamePath, key, csvHeaders: sfn.CsvHeaders.useFirstRow() }),
};

/**
 * The batch definition (JSONPath, so that it also runs locally):
 *
 *   CheckInput → items: CallItems (Distributed Map over `$.items`)
 *              → itemsFrom: CheckItemsFrom → CallItemsFrom JSON | JSONL | CSV (ItemReader)
 *              → otherwise InvalidBatchInput
 *
 * Results in the output (no `results`): every failure of an item becomes a record `{ index,
 * status: FAILED, error, cause, statusCode? }` and the child succeeds, so the Map's output keeps one
 * record per item in item order; `CollectResults → CountResults → [ScaleFailures…] →
 * CheckFailures` count them and check the thresholds (a few transitions per batch, none per item).
 *
 * Results in S3 (`results`): a failed item fails its child execution (`FailItem`, with the item's
 * error and cause), so the Map Run counts it, applies the thresholds itself (its
 * `States.ExceedToleratedFailureThreshold` becomes BatchFailed), lists it in FAILED_n.json with
 * its input, and can redrive exactly the failed items; `CountMapRun` (DescribeMapRun) gives the
 * counts.
 */
export function batchWorkflow(scope: Construct, s: BatchWorkflowSettings): sfn.IChainable {
  const invalid = (id: string, cause: string) => new sfn.Fail(scope, id, { error: ApiCallerErrors.INVALID_INPUT, cause });
  const tooManyFailed = new sfn.Fail(scope, S.BATCH_FAILED, {
    error: ApiCallerErrors.BATCH_FAILURE_THRESHOLD,
    cause: `More items failed than the batch tolerates (${describeThreshold(s)}).${s.results ? ' The results of the items that ran are in the result bucket.' : ''}`,
  });
  const afterMap = s.results ? countMapRun(scope) : undefined;
  const written = (map: sfn.DistributedMap) => {
    map.addCatch(tooManyFailed, { errors: [EXCEED_TOLERATED_FAILURE_THRESHOLD] });
    return map.next(afterMap!);
  };

  const invalidInput = invalid(S.INVALID_BATCH_INPUT,
    'The batch input needs the strings "templateName" and "method", and either "items" (a list of params) or "itemsFrom" ({ "bucket", "key", "format" }), not both.');
  // IsPresent first: a type test on a missing field would be a States.Runtime error.
  const present = (field: string) => sfn.Condition.and(sfn.Condition.isPresent(`$.${field}`), sfn.Condition.isString(`$.${field}`));
  const check = new sfn.Choice(scope, S.CHECK_INPUT)
    .when(sfn.Condition.not(sfn.Condition.and(present('templateName'), present('method'))), invalidInput)
    .when(sfn.Condition.and(sfn.Condition.isPresent('$.items'), sfn.Condition.isPresent('$.itemsFrom')), invalidInput);
  if (s.itemsBucket === undefined) {
    check.when(sfn.Condition.isPresent('$.itemsFrom'), invalid(S.INVALID_ITEMS_FROM, 'This batch reads no items from S3: give the TemplatedApiBatch an itemsBucket, or send "items".'));
  } else {
    const from = new sfn.Choice(scope, S.CHECK_ITEMS_FROM)
      .when(sfn.Condition.not(sfn.Condition.and(...['bucket', 'key', 'format'].map((f) => sfn.Condition.isPresent(`$.itemsFrom.${f}`)))),
        invalid(S.INVALID_ITEMS_FROM, '"itemsFrom" needs "bucket", "key" and "format" (JSON, JSONL or CSV).'))
      .when(sfn.Condition.not(sfn.Condition.stringEquals('$.itemsFrom.bucket', s.itemsBucket.bucketName)),
        invalid(S.WRONG_ITEMS_BUCKET, `"itemsFrom.bucket" must be the batch's items bucket, ${s.itemsBucket.bucketName}.`));
    for (const [format, reader] of Object.entries(READERS)) {
      const map = callItems(new Construct(scope, `From${format}`), s, ` (${format})`, { itemReader: reader(sfn.JsonPath.stringAt('$.itemsFrom.bucket'), sfn.JsonPath.stringAt('$.itemsFrom.key')) });
      from.when(sfn.Condition.stringEquals('$.itemsFrom.format', format), written(map));
    }
    from.otherwise(invalid(S.UNKNOWN_ITEMS_FORMAT, '"itemsFrom.format" must be JSON, JSONL or CSV.'));
    check.when(sfn.Condition.isPresent('$.itemsFrom'), from);
  }
  const inline = callItems(scope, s, '', { itemsPath: '$.items' });
  check.when(sfn.Condition.isPresent('$.items'), s.results ? written(inline) : collectResults(scope, s, inline, tooManyFailed));
  return check.otherwise(invalidInput);
}

/** The Distributed Map over the items of one source, its processor's state names ending in `suffix`. */
function callItems(scope: Construct, s: BatchWorkflowSettings, suffix: string,
  source: { itemsPath?: string; itemReader?: sfn.IItemReader }): sfn.DistributedMap {
  const props: sfn.DistributedMapProps = {
    stateName: `${suffix ? S.CALL_ITEMS_FROM : S.CALL_ITEMS}${suffix}`,
    ...source,
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
    resultPath: s.results ? '$' : '$.results',
  };
  const map = s.results ? new ResultWritingMap(scope, S.CALL_ITEMS, props, s.results) : new sfn.DistributedMap(scope, S.CALL_ITEMS, props);
  map.itemProcessor(itemProcessor(new Construct(scope, 'Item'), s, (name) => `${name}${suffix}`),
    { mode: sfn.ProcessorMode.DISTRIBUTED, executionType: sfn.ProcessorType.EXPRESS });
  return map;
}

/**
 * A Distributed Map writing its results to S3. CDK renders `resultWriter` or `resultWriterV2`
 * depending on the app's `@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2` flag, which
 * a library cannot know, so the ResultWriter (NONE transformation, JSON files) is written here.
 */
class ResultWritingMap extends sfn.DistributedMap {
  constructor(scope: Construct, id: string, props: sfn.DistributedMapProps, private readonly results: BatchResults) {
    super(scope, id, props);
  }

  public toStateJson(queryLanguage?: sfn.QueryLanguage): object {
    return {
      ...super.toStateJson(queryLanguage),
      ResultWriter: {
        Resource: `arn:${Aws.PARTITION}:states:::s3:putObject`,
        Parameters: { Bucket: this.results.bucket.bucketName, Prefix: this.results.prefix },
      },
    };
  }
}

/** Records-in-the-output mode: counts and thresholds from the records. */
function collectResults(scope: Construct, s: BatchWorkflowSettings, map: sfn.DistributedMap, tooManyFailed: sfn.Fail): sfn.IChainable {
  const countItems = new sfn.Pass(scope, S.COUNT_ITEMS, {
    parameters: {
      'templateName.$': '$.templateName',
      'method.$': '$.method',
      'items.$': '$.items',
      'total.$': 'States.ArrayLength($.items)',
    },
  });
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

  let chain = sfn.Chain.start(countItems).next(map).next(collect).next(count);
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
  return chain.next(new sfn.Choice(scope, S.CHECK_FAILURES)
    .when(exceeded.length === 1 ? exceeded[0] : sfn.Condition.or(...exceeded), tooManyFailed)
    .otherwise(succeeded));
}

/**
 * Results-in-S3 mode: the Map's output is `{ MapRunArn, ResultWriterDetails }`; DescribeMapRun
 * counts the items (failed, timed out and aborted children are failed items).
 */
function countMapRun(scope: Construct): sfn.IChainable {
  const describe = new sfn.CustomState(scope, S.COUNT_MAP_RUN, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sfn:describeMapRun`,
      Parameters: { 'MapRunArn.$': '$.MapRunArn' },
      ResultSelector: {
        'succeeded.$': '$.ItemCounts.Succeeded',
        'failed.$': 'States.MathAdd(States.MathAdd($.ItemCounts.Failed, $.ItemCounts.TimedOut), $.ItemCounts.Aborted)',
      },
      ResultPath: '$.counts',
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' }],
    },
  });
  const written = new sfn.Pass(scope, S.BATCH_SUCCEEDED, {
    parameters: {
      'succeeded.$': '$.counts.succeeded',
      'failed.$': '$.counts.failed',
      'resultLocation': { 'bucket.$': '$.ResultWriterDetails.Bucket', 'key.$': '$.ResultWriterDetails.Key' },
    },
  });
  return describe.next(written);
}

/** The call for one item, as the caller's workflow makes it; a failure becomes a record (or fails the child, with `results`). */
function itemProcessor(scope: Construct, s: BatchWorkflowSettings, name: (base: string) => string): sfn.IChainable {
  // With results in S3 a failed item fails its child execution, with the record's error and cause.
  const failChild = s.results ? new sfn.Fail(scope, S.FAIL_ITEM, { stateName: name(S.FAIL_ITEM), errorPath: '$.error', causePath: '$.cause' }) : undefined;
  const record = (state: sfn.Pass) => (failChild ? state.next(failChild) : state);
  const failed = new sfn.Pass(scope, S.ITEM_FAILED, {
    stateName: name(S.ITEM_FAILED),
    parameters: { 'index.$': '$.index', 'status': 'FAILED', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
  });
  const onFailure = record(failed);
  const fetchTemplate = new tasks.DynamoGetItem(scope, S.ITEM_FETCH_TEMPLATE, {
    stateName: name(S.ITEM_FETCH_TEMPLATE),
    table: s.table,
    key: {
      [TemplateAttribute.NAME]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.templateName')),
      [TemplateAttribute.METHOD]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.method')),
    },
    resultPath: '$.template',
  });
  addRetry(fetchTemplate, RetryPolicy.FETCH_TEMPLATE_ERRORS, s.retry);
  fetchTemplate.addCatch(onFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const callApi = new tasks.LambdaInvoke(scope, S.ITEM_CALL_API, {
    stateName: name(S.ITEM_CALL_API),
    lambdaFunction: s.rendererFunction,
    payload: sfn.TaskInput.fromJsonPathAt(rendererEvent()),
    retryOnServiceExceptions: false,
    resultSelector: { statusCode: sfn.JsonPath.numberAt('$.Payload.statusCode') },
    resultPath: '$.response',
  });
  if (s.rateLimited) addRateLimitRetry(callApi);
  addRetry(callApi, RetryPolicy.CALL_API_ERRORS, s.retry);
  // The API's Retry-After is waited for inside the child execution (at most its 5 minutes).
  if (s.retryAfter) retryAfterLoop(scope, callApi, (base) => name(`Item${base}`));
  callApi.addCatch(onFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const itemSucceeded = new sfn.Pass(scope, S.ITEM_SUCCEEDED, {
    stateName: name(S.ITEM_SUCCEEDED),
    parameters: { 'index.$': '$.index', 'status': 'SUCCEEDED', 'statusCode.$': '$.response.statusCode' },
  });
  const apiCallFailed = new sfn.Pass(scope, S.ITEM_API_CALL_FAILED, {
    stateName: name(S.ITEM_API_CALL_FAILED),
    parameters: {
      'index.$': '$.index',
      'status': 'FAILED',
      'statusCode.$': '$.response.statusCode',
      'error': ApiCallerErrors.API_CALL_FAILED,
      'cause.$': `States.Format('The API answered with status {}, outside the success range ${s.successStatus}.', $.response.statusCode)`,
    },
  });
  return sfn.Chain.start(fetchTemplate).next(callApi).next(new sfn.Choice(scope, S.ITEM_CHECK_STATUS, { stateName: name(S.ITEM_CHECK_STATUS) })
    .when(successCondition(s.successStatus), itemSucceeded)
    .otherwise(record(apiCallFailed)));
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
