// Names the local runner, the tests and the README rely on for the batch workflow.

/**
 * Names of the states of the `TemplatedApiBatch` workflow (unique across the state machine,
 * item processor included, as Step Functions requires).
 */
export class BatchStateNames {
  /** Pass keeping `templateName`, `method`, `items` and their count (`total`). */
  public static readonly COUNT_ITEMS = 'CountItems';
  /** The Distributed Map running one EXPRESS child execution per item. */
  public static readonly CALL_ITEMS = 'CallItems';
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
  /** Pass whose output is the batch output `{ succeeded, failed, results }`. */
  public static readonly BATCH_SUCCEEDED = 'BatchSucceeded';
  /** Fail state: `BatchFailureThresholdExceeded`. */
  public static readonly BATCH_FAILED = 'BatchFailed';

  private constructor() {}
}
