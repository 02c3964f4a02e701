// Names the local runner, the tests and the README rely on: a state's name is how a runner binds
// a task handler, and a path is where the workflow keeps its data.

/**
 * Names of the states of the `TemplatedApiCaller` workflow.
 */
export class WorkflowStateNames {
  /** Choice checking that the input has string `templateName` and `method` (only with `validateInput`). */
  public static readonly VALIDATE_INPUT = 'ValidateInput';
  /** Pass recording the `InvalidInput` error before the failure path (only with `validateInput`). */
  public static readonly INVALID_INPUT = 'InvalidInput';
  /** DynamoDB getItem task reading the template (key: `templateName`, `method`). */
  public static readonly FETCH_TEMPLATE = 'FetchTemplate';
  /** Wait state before the call (only with `waitBeforeCall`). */
  public static readonly WAIT_BEFORE_CALL = 'WaitBeforeCall';
  /** Lambda task rendering the template and calling the API. */
  public static readonly CALL_API = 'CallApi';
  /** Parallel running `CallApi` next to the user's branches (only with `parallelBranches`). */
  public static readonly CALL_API_WITH_BRANCHES = 'CallApiWithBranches';
  /** Parallel holding the user's branches inside `CallApiWithBranches` (only with `parallelBranches`). */
  public static readonly PARALLEL_BRANCHES = 'ParallelBranches';
  /** Pass parsing the Cause of a caught `RetryAfterWait` (only with retries). */
  public static readonly READ_RETRY_AFTER = 'ReadRetryAfter';
  /** Pass recording `{ seconds, attempt }` of a Retry-After at `$.retryAfter` (only with retries). */
  public static readonly RECORD_RETRY_AFTER = 'RecordRetryAfter';
  /** Wait state honouring the API's Retry-After before the call runs again (only with retries). */
  public static readonly WAIT_RETRY_AFTER = 'WaitRetryAfter';
  /** Choice on the response status. */
  public static readonly CHECK_STATUS = 'CheckStatus';
  /** Succeed state ending a call whose status is in the success range. */
  public static readonly SUCCEEDED = 'Succeeded';
  /** Pass recording the `ApiCallFailed` error (status outside the success range). */
  public static readonly API_CALL_FAILED = 'ApiCallFailed';
  /** The one Fail state: fails with the recorded error's name and cause. */
  public static readonly FAILED = 'Failed';

  private constructor() {}
}

/**
 * JSONPath locations where the workflow keeps its data in the execution state.
 */
export class WorkflowPaths {
  /** The DynamoDB getItem result: `{ Item: {...} }`, or `{}` when no template matches. */
  public static readonly TEMPLATE = '$.template';
  /** The API response `{ statusCode, headers, body }`. */
  public static readonly RESPONSE = '$.response';
  /** The outputs of `parallelBranches`, in the order given. */
  public static readonly BRANCHES = '$.branches';
  /** The last Retry-After the workflow waited for: `{ seconds, attempt }` (only after such a wait). */
  public static readonly RETRY_AFTER = '$.retryAfter';
  /** The error on the failure path: `{ Error, Cause }`. */
  public static readonly ERROR = '$.error';

  private constructor() {}
}
