// Local stand-ins for the service integrations the workflow uses, bound by the Task's Resource:
// DynamoDB getItem against the local DynamoDB, Lambda invoke against the function's own code
// in-process. Results have the shape Step Functions gives them (the optimized integrations add
// SdkHttpMetadata and SdkResponseMetadata to the API response); errors surface under the names
// Step Functions gives them, so Retry and Catch behave as they do in AWS. Each behaviour and its
// source: AWS-FIDELITY.md.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalFunction, LocalTable } from './cloudformation';
import { LOCAL_REGION } from './cloudformation';
import type { MapRunRecord } from './execution-trace';
import type { LambdaContext, LambdaHandler, TaskHandler } from './handler-types';
import type { LocalDynamoDb } from './local-dynamodb';
import { checkPayload } from './payload-quota';


export type { LambdaContext, LambdaHandler, TaskHandler };

/**
 * Loads the handler of a function from the cloud assembly, the way a Lambda cold start would:
 * a module instance of its own (module-level state, such as configuration read from the
 * environment at start, is never shared with another runner's instance).
 */
export function loadAssetHandler(fn: LocalFunction, assemblyDir: string): LambdaHandler {
  if (!fn.assetPath) {
    throw new Error(`function ${fn.logicalId} has no aws:asset:path metadata: synthesize with asset metadata, or pass a handler for it`);
  }
  const dot = fn.handler.lastIndexOf('.');
  const base = path.resolve(assemblyDir, fn.assetPath, fn.handler.slice(0, dot));
  const file = ['.js', '.cjs', ''].map(ext => base + ext).find(f => fs.existsSync(f) && fs.statSync(f).isFile());
  if (file === undefined) {
    throw new Error(`function ${fn.logicalId}: no handler file ${base}.js`);
  }
  const handler = freshModule(file)[fn.handler.slice(dot + 1)] as LambdaHandler;
  if (typeof handler !== 'function') {
    throw new Error(`function ${fn.logicalId}: ${fn.handler} is not a function in ${file}`);
  }
  return handler;
}

/**
 * The AWS SDK v3 clients the Lambda Node.js runtime provides: bundles leave them out, so a
 * local invocation gets the runner's copies when the asset's own node_modules lack them.
 * (Static requires, so that the CLI bundle carries them.)
 */
const RUNTIME_PROVIDED: Record<string, () => unknown> = {
  /* eslint-disable @typescript-eslint/no-require-imports */
  '@aws-sdk/client-dynamodb': () => require('@aws-sdk/client-dynamodb'),
  '@aws-sdk/client-secrets-manager': () => require('@aws-sdk/client-secrets-manager'),
  '@aws-sdk/client-s3': () => require('@aws-sdk/client-s3'),
  '@aws-sdk/util-dynamodb': () => require('@aws-sdk/util-dynamodb'),
  '@smithy/signature-v4': () => require('@smithy/signature-v4'),
  /* eslint-enable @typescript-eslint/no-require-imports */
};

/**
 * Compiles `file` as a new CommonJS module instance, bypassing every module cache (jest's too),
 * and hands it this runner's `process`, so it sees the environment the runner sets.
 */
function freshModule(file: string): Record<string, unknown> {
  const wrapper = vm.compileFunction(fs.readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname', 'process'], { filename: file });
  const assetRequire = createRequire(file);
  const lambdaRequire = (id: string): unknown => {
    try {
      return assetRequire(id);
    } catch (error) {
      const provided = RUNTIME_PROVIDED[id];
      if (provided === undefined || (error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      return provided();
    }
  };
  const module = { exports: {} as Record<string, unknown> };
  wrapper(module.exports, Object.assign(lambdaRequire, { resolve: assetRequire.resolve }), module, file, path.dirname(file), process);
  return module.exports;
}

/** Variables set for functions so far: each invocation sees its own function's, not another's. */
const appliedVariables = new Set<string>();

function applyEnvironment(environment: Record<string, string>): void {
  for (const name of appliedVariables) {
    if (!(name in environment)) delete process.env[name];
  }
  Object.assign(process.env, environment);
  Object.keys(environment).forEach(name => appliedVariables.add(name));
}

/** A Step Functions task error: Retry and Catch match `name`, the message becomes the Cause. */
export function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

export function dynamoDbGetItem(db: LocalDynamoDb, tables: readonly LocalTable[]): TaskHandler {
  return async (input) => {
    if (!tables.some(t => t.tableName === input.TableName)) {
      throw taskError('DynamoDB.ResourceNotFoundException', `table ${input.TableName} is not declared in the template`);
    }
    checkPayload('the input of the getItem task', input);
    let response;
    try {
      response = await db.client.send(new GetItemCommand(input));
    } catch (error) {
      const e = error as Error;
      throw taskError(`DynamoDB.${e.name}`, e.message);
    }
    const { $metadata, ...output } = response;
    const body = JSON.stringify(output);
    // No Item when nothing matches: the result is then the metadata alone.
    return checked({
      ...output,
      ...sdkMetadata($metadata.requestId ?? randomUUID(), $metadata.httpStatusCode ?? 200, {
        'Content-Type': 'application/x-amz-json-1.0',
        'Content-Length': String(Buffer.byteLength(body)),
      }),
    });
  };
}

/**
 * `arn:aws:states:::aws-sdk:sfn:describeMapRun` for the Map Runs of this runner's executions
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html); AWS SDK
 * integrations name the fields in PascalCase.
 */
export function describeMapRun(mapRuns: ReadonlyMap<string, MapRunRecord>): TaskHandler {
  return async (input) => {
    const run = mapRuns.get(input?.MapRunArn);
    if (run === undefined) throw taskError('Sfn.ResourceNotFoundException', `Map Run Does Not Exist: ${input?.MapRunArn}`);
    return checked({
      MapRunArn: run.mapRunArn,
      ExecutionArn: run.executionArn,
      Status: run.status,
      StartDate: run.startDate,
      StopDate: run.stopDate,
      MaxConcurrency: run.maxConcurrency,
      ToleratedFailurePercentage: run.toleratedFailurePercentage,
      ToleratedFailureCount: run.toleratedFailureCount,
      ItemCounts: run.itemCounts,
      ExecutionCounts: run.executionCounts,
      RedriveCount: 0,
    });
  };
}

/**
 * Invokes `handler` with the function's environment. `envelope` mirrors `lambda:invoke` (the
 * result under `Payload`); without it the result is returned as is (a Resource that is the
 * function ARN itself).
 */
export function lambdaInvoke(fn: LocalFunction, handler: LambdaHandler, envelope: boolean): TaskHandler {
  return async (input) => {
    checkPayload('the input of the Lambda task', input);
    const payload = envelope ? input.Payload : input;
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context: LambdaContext = {
      functionName: fn.logicalId,
      awsRequestId: randomUUID(),
      memoryLimitInMB: String(fn.memorySize),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    applyEnvironment({ AWS_REGION: LOCAL_REGION, AWS_LAMBDA_FUNCTION_NAME: fn.logicalId, ...fn.environment });
    let result: unknown;
    try {
      result = await handler(structuredClone(payload), context);
    } catch (error) {
      const e = error as Error;
      const name = e?.name || 'Error';
      // Step Functions' Cause for a Lambda error is the function's error payload as JSON.
      // The Node.js runtime's error payload. Lambda puts the stack in `trace`; locally it would
      // show the runner's frames, not the function's, so it stays empty.
      throw taskError(name, JSON.stringify({ errorType: name, errorMessage: e?.message ?? String(error), trace: [] }));
    }
    // Lambda serializes the result as JSON; undefined becomes null.
    const text = result === undefined ? 'null' : JSON.stringify(result);
    const json = JSON.parse(text);
    // Resource = the function ARN (payloadResponseOnly): the payload itself; lambda:invoke: the
    // Invoke response, the payload under Payload.
    return checked(envelope
      ? {
        ExecutedVersion: '$LATEST',
        Payload: json,
        ...sdkMetadata(context.awsRequestId, 200, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(text)),
          'X-Amz-Executed-Version': '$LATEST',
          'x-amzn-Remapped-Content-Length': '0',
          'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0`,
        }),
        StatusCode: 200,
      }
      : json);
  };
}

function checked<T>(result: T): T {
  checkPayload('the result of the task', result);
  return result;
}

/**
 * What Step Functions' optimized integrations add to an API response: the HTTP metadata of the
 * SDK call (headers both as lists and as single values) and the request id.
 */
export function sdkMetadata(requestId: string, status: number, headers: Record<string, string>) {
  const all: Record<string, string> = { 'Connection': 'keep-alive', 'Date': new Date().toUTCString(), ...headers, 'x-amzn-RequestId': requestId };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(all).map(([name, value]) => [name, [value]])),
      HttpHeaders: all,
      HttpStatusCode: status,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

