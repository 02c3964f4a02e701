// The shapes of the handlers users give the runner. No imports: the published types
// (templated-api-caller/local) must not need the runner's own dependencies.

/** Runs a Task state: receives its input after Parameters, returns its result. */
export type TaskHandler = (input: any) => Promise<any>;

/** What a Lambda handler looks like to the runner. */
export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

/** The part of the Lambda context object the runner provides. */
export interface LambdaContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  readonly memoryLimitInMB: string;
  getRemainingTimeInMillis(): number;
}
