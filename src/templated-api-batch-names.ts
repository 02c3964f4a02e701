// Names the local runner, the tests and the README rely on for the batch workflow.

/**
 * Names of the states of the `TemplatedApiBatch` workflow (unique across the state machine,
 * item processor included, as Step Functions requires).
 */
export class BatchStateNames {
  /** Choice on the input: `templateName` and `method`, then `items` or `itemsFrom` (else `InvalidBatchInput`). */
  public static readonly CHECK_INPUT = 'CheckInput';
  /** Choice on `itemsFrom`: its fields, its bucket, its format. */
  public static readonly CHECK_ITEMS_FROM = 'CheckItemsFrom';
  /** Fail state (`InvalidInput`): no string `templateName` or `method`, or not exactly one of `items` and `itemsFrom`. */
  public static readonly INVALID_BATCH_INPUT = 'InvalidBatchInput';
  /** Fail state (`InvalidInput`): `itemsFrom` lacks a field, or the batch has no items bucket. */
  public static readonly INVALID_ITEMS_FROM = 'InvalidItemsFrom';
  /** Fail state (`InvalidInput`): `itemsFrom.bucket` is not the batch's items bucket. */
  public static readonly WRONG_ITEMS_BUCKET = 'WrongItemsBucket';
  /** Fail state (`InvalidInput`): `itemsFrom.format` is not JSON, JSONL or CSV. */
  public static readonly UNKNOWN_ITEMS_FORMAT = 'UnknownItemsFormat';
  /** Pass keeping `templateName`, `method`, `items` and their count (`total`). */
  public static readonly COUNT_ITEMS = 'CountItems';
  /** The Distributed Map running one EXPRESS child execution per item of `items`. */
  public static readonly CALL_ITEMS = 'CallItems';
  /**
   * The Distributed Maps reading `itemsFrom`: `CallItemsFrom (JSON)`, `(JSONL)`, `(CSV)`; their
   * item processors' states carry the same suffix (`ItemCallApi (CSV)`).
   */
  public static readonly CALL_ITEMS_FROM = 'CallItemsFrom';
  /** In the item processor, with results in S3: the Fail state failing the child with the item's error. */
  public static readonly FAIL_ITEM = 'FailItem';
  /** With results in S3: DescribeMapRun, counting the items by outcome. */
  public static readonly COUNT_MAP_RUN = 'CountMapRun';
  /** In the item processor: DynamoDB getItem of the template. */
  public static readonly ITEM_FETCH_TEMPLATE = 'ItemFetchTemplate';
  /** In the item processor: the renderer Lambda's call. */
  public static readonly ITEM_CALL_API = 'ItemCallApi';
  /** In the item processor: Choice on the status. */
  public static readonly ITEM_CHECK_STATUS = 'ItemCheckStatus';
  /** In the item processor: the record `{ index, status: SUCCEEDED, statusCode }`. */
  public static readonly ITEM_SUCCEEDED = 'ItemSucceeded';
  /** In the item processor: the record of a status outside the success range. */
  public static readonly ITEM_API_CALL_FAILED = 'ItemApiCallFailed';
  /** In the item processor: the record `{ index, status: FAILED, error, cause }` of any caught error. */
  public static readonly ITEM_FAILED = 'ItemFailed';
  /** Pass selecting the succeeded and failed records. */
  public static readonly COLLECT_RESULTS = 'CollectResults';
  /** Pass counting them. */
  public static readonly COUNT_RESULTS = 'CountResults';
  /** Prefix of the Pass states scaling the counts for `toleratedFailurePercentage`. */
  public static readonly SCALE_FAILURES = 'ScaleFailures';
  /** Choice: more failed items than tolerated → `BatchFailed`. */
  public static readonly CHECK_FAILURES = 'CheckFailures';
  /** Pass whose output is the batch output `{ succeeded, failed, results }` (or `resultLocation`). */
  public static readonly BATCH_SUCCEEDED = 'BatchSucceeded';
  /** Fail state: `BatchFailureThresholdExceeded`. */
  public static readonly BATCH_FAILED = 'BatchFailed';

  private constructor() {}
}
