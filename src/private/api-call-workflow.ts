import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ApiCallerErrors, ExecutionContextField, TemplateAttribute, TemplateContext } from '../contract';
import { retryAfterLoop } from './retry-after';
import { ValidationError } from './validation-error';
import { RetryPolicy } from '../retry-policy';
import { StatusRange } from '../status-range';
import { WorkflowPaths, WorkflowStateNames as S } from '../workflow-names';
import { addRateLimitRetry, addRetry } from './add-retry';

/** What the workflow is built from. */
export interface ApiCallWorkflowSettings {
  readonly table: dynamodb.ITable;
  readonly rendererFunction: lambda.IFunction;
  readonly retry: RetryPolicy;
  readonly successStatus: StatusRange;
  readonly validateInput: boolean;
  readonly waitBeforeCall?: Duration;
  readonly beforeCall?: sfn.IChainable;
  readonly afterSuccess?: sfn.IChainable;
  readonly onFailure?: sfn.IChainable;
  readonly parallelBranches: sfn.IChainable[];
  /** Wait for the API's Retry-After in a Wait state (RetryAfterWait caught), see retry-after.ts. */
  readonly retryAfter?: boolean;
  /** The renderer returns `bodyLocation` next to `body` (one of them null). */
  readonly largeResponses?: boolean;
  /** Templates may have rate limits: RateLimitedError is retried (whatever `retry` says). */
  readonly rateLimited?: boolean;
}

/**
 * The state machine definition (JSONPath, so that it also runs on local engines):
 *
 *   [ValidateInput] → FetchTemplate → [WaitBeforeCall] → [beforeCall] → CallApi → CheckStatus
 *   CheckStatus: success range → [afterSuccess] → Succeeded; otherwise → ApiCallFailed
 *   any caught error / ApiCallFailed / InvalidInput → [onFailure] → Failed (the recorded error)
 *
 * A missing template costs nothing on the happy path: getItem returns no `Item` (only the SDK
 * metadata), the renderer receives it and throws TemplateNotFound, which the catch routes to Failed.
 *
 */
export function apiCallWorkflow(scope: Construct, s: ApiCallWorkflowSettings): sfn.IChainable {
  // One Fail state for every failure: it fails with the error recorded at $.error, so each
  // failure keeps its own name (TemplateNotFound, ApiCallFailed, RetryableHttpError, ...).
  const failed = new sfn.Fail(scope, S.FAILED, {
    errorPath: `${WorkflowPaths.ERROR}.Error`,
    causePath: `${WorkflowPaths.ERROR}.Cause`,
  });
  const failure = s.onFailure ? hook('onFailure', scope, s.onFailure).next(failed) : failed;
  const catchInto = (state: sfn.TaskStateBase | sfn.Parallel) =>
    state.addCatch(failure, { errors: [sfn.Errors.ALL], resultPath: WorkflowPaths.ERROR });

  const fetchTemplate = new tasks.DynamoGetItem(scope, S.FETCH_TEMPLATE, {
    table: s.table,
    key: {
      [TemplateAttribute.NAME]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.templateName')),
      [TemplateAttribute.METHOD]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.method')),
    },
    // The raw getItem output: { Item, SdkHttpMetadata, SdkResponseMetadata }, without Item when no template matches.
    resultPath: WorkflowPaths.TEMPLATE,
  });
  addRetry(fetchTemplate, RetryPolicy.FETCH_TEMPLATE_ERRORS, s.retry);
  catchInto(fetchTemplate);

  // The event is the whole state plus `execution` (rendererEvent below): the renderer reads
  // `template` and `params` (absent params count as {}), so no JSONPath here can fail on an input
  // without params. The result keeps the renderer's `{ statusCode, headers, body }` only.
  const callApi = new tasks.LambdaInvoke(scope, S.CALL_API, {
    lambdaFunction: s.rendererFunction,
    payload: sfn.TaskInput.fromJsonPathAt(rendererEvent()),
    retryOnServiceExceptions: false,
    resultSelector: {
      statusCode: sfn.JsonPath.numberAt('$.Payload.statusCode'),
      headers: sfn.JsonPath.objectAt('$.Payload.headers'),
      body: sfn.JsonPath.objectAt('$.Payload.body'),
      ...(s.largeResponses ? { bodyLocation: sfn.JsonPath.objectAt('$.Payload.bodyLocation') } : {}),
    },
    resultPath: WorkflowPaths.RESPONSE,
  });
  if (s.rateLimited) addRateLimitRetry(callApi);
  addRetry(callApi, RetryPolicy.CALL_API_ERRORS, s.retry);

  let call: sfn.TaskStateBase | sfn.Parallel = callApi;
  if (s.parallelBranches.length > 0) {
    // Branch 0 is CallApi (output: the state plus $.response), branch 1 runs the user's branches
    // and yields { branches: [...] }; merging the two keeps the state flat.
    const branches = new sfn.Parallel(scope, S.PARALLEL_BRANCHES, {
      resultSelector: { branches: sfn.JsonPath.entirePayload },
    });
    s.parallelBranches.forEach((branch) => branches.branch(branch));
    call = new sfn.Parallel(scope, S.CALL_API_WITH_BRANCHES, {
      // No ResultPath (the default, $, replaces the state; an explicit "$" trips local engines).
      resultSelector: { output: sfn.JsonPath.jsonMerge(sfn.JsonPath.objectAt('$[0]'), sfn.JsonPath.objectAt('$[1]')) },
      outputPath: '$.output',
    }).branch(callApi, branches);
  }
  // Before the catch-all: a Retry-After wait is not a failure.
  if (s.retryAfter) retryAfterLoop(scope, call);
  catchInto(call);

  const apiCallFailed = new sfn.Pass(scope, S.API_CALL_FAILED, {
    parameters: {
      Error: ApiCallerErrors.API_CALL_FAILED,
      Cause: sfn.JsonPath.format(
        `The API answered with status {}, outside the success range ${s.successStatus}.`,
        sfn.JsonPath.stringAt(`${WorkflowPaths.RESPONSE}.statusCode`)),
    },
    resultPath: WorkflowPaths.ERROR,
  }).next(failure);

  const succeeded = new sfn.Succeed(scope, S.SUCCEEDED);
  const checkStatus = new sfn.Choice(scope, S.CHECK_STATUS)
    // In the success range: done (after the afterSuccess hook).
    .when(successCondition(s.successStatus), s.afterSuccess ? hook('afterSuccess', scope, s.afterSuccess).next(succeeded) : succeeded)
    // Any other status, 1xx and 3xx included: ApiCallFailed with the status in the cause.
    .otherwise(apiCallFailed);

  let chain = sfn.Chain.start(fetchTemplate);
  if (s.waitBeforeCall) {
    chain = chain.next(new sfn.Wait(scope, S.WAIT_BEFORE_CALL, { time: sfn.WaitTime.duration(s.waitBeforeCall) }));
  }
  if (s.beforeCall) {
    chain = chain.next(hook('beforeCall', scope, s.beforeCall));
  }
  chain = chain.next(call).next(checkStatus);

  if (!s.validateInput) return chain;
  const invalidInput = new sfn.Pass(scope, S.INVALID_INPUT, {
    parameters: {
      Error: ApiCallerErrors.INVALID_INPUT,
      Cause: 'The execution input needs the string fields templateName and method.',
    },
    resultPath: WorkflowPaths.ERROR,
  }).next(failure);
  // IsPresent first: a type test on a missing field would be a States.Runtime error.
  const present = (field: string) => sfn.Condition.and(
    sfn.Condition.isPresent(`$.${field}`), sfn.Condition.isString(`$.${field}`));
  return new sfn.Choice(scope, S.VALIDATE_INPUT)
    .when(sfn.Condition.and(present('templateName'), present('method')), chain)
    .otherwise(invalidInput);
}

/**
 * The state with `execution: { id, name, startTime, retryCount }` added: one intrinsic in the
 * task's own Parameters, so it costs no state transition, and `$$.State.RetryCount` is the
 * attempt's own. Paths of the context object reach a payload only through an intrinsic or a
 * `.$` field; JsonMerge joins it to the state (`$`, which always exists). Execution names and
 * ARNs cannot hold `"` or a backslash, so the formatted JSON is well formed.
 */
export function rendererEvent(): string {
  const J = sfn.JsonPath;
  const F = ExecutionContextField;
  const fields = [
    `"${F.ID}":"{}"`, `"${F.NAME}":"{}"`, `"${F.START_TIME}":"{}"`, `"${F.RETRY_COUNT}":{}`,
  ].join(',');
  const execution = J.stringToJson(J.format(`\\{"${TemplateContext.EXECUTION}":\\{${fields}\\}\\}`,
    J.stringAt('$$.Execution.Id'), J.stringAt('$$.Execution.Name'), J.stringAt('$$.Execution.StartTime'),
    J.stringAt('$$.State.RetryCount')));
  return J.jsonMerge(J.objectAt('$'), execution);
}

/** The status at `$.response.statusCode` is in `range` (the caller's CheckStatus and the batch's ItemCheckStatus). */
export function successCondition(range: StatusRange): sfn.Condition {
  const status = `${WorkflowPaths.RESPONSE}.statusCode`;
  if (range.low === range.high) return sfn.Condition.numberEquals(status, range.low);
  return sfn.Condition.and(
    sfn.Condition.numberGreaterThanEquals(status, range.low),
    sfn.Condition.numberLessThanEquals(status, range.high));
}


// A hook is spliced into the flow, so it must end in a state that can continue (not Succeed/Fail).
function hook(prop: string, scope: Construct, states: sfn.IChainable): sfn.Chain {
  const chain = sfn.Chain.start(states);
  if (chain.endStates.length === 0) {
    throw new ValidationError(prop, 'must end in a state that can continue (not Succeed or Fail): the workflow ends the flow itself', scope);
  }
  return chain;
}
