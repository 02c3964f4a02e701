// Runs a synthesized TemplatedApiCaller state machine locally: aws-local-stepfunctions executes
// the definition, DynamoDB tasks go to a local DynamoDB (dynalite), Lambda tasks run the
// function's bundled code in-process with its own environment. What it reproduces of AWS, and
// where it refuses instead: AWS-FIDELITY.md.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Stack } from 'aws-cdk-lib';
import type * as LocalStepFunctions from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import type { IConstruct } from 'constructs';
import { allStates, polyfillPromiseWithResolvers, returnEmptyListsForIndefinitePaths, rewriteNegativeTypeTests, rewriteWholeResultPaths } from './asl-compat';
import { authSecretArns } from './auth-secrets';
import { CfnTemplate, LOCAL_ACCOUNT, LOCAL_REGION, LocalFunction, LocalStateMachine, LocalTable, readStateMachine } from './cloudformation';
import { CONTEXT_KEY, ContextObject, type ExecutionIdentity, followStateEvents, redirectContextPaths } from './context-object';
import { asLocalTasks, DistributedMap } from './distributed-map';
import { byteSize, ExecutionRecord, ExecutionStatus, MapRunRecord, StateRecord } from './execution-trace';
import { captureOutput } from './function-logs';
import type { LambdaHandler, TaskHandler } from './handler-types';
import { LocalDynamoDb } from './local-dynamodb';
import { LocalS3 } from './local-s3';
import { LocalSecretsManager } from './local-secrets-manager';
import { MAX_PAYLOAD_BYTES, payloadBytes } from './payload-quota';
import { synthesizeStackOf } from './synthesize-stack';
import { describeMapRun, dynamoDbGetItem, lambdaInvoke, loadAssetHandler } from './task-handlers';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { RendererEnvironment, TemplateAttribute, type PlainTemplate } from '../../src/contract';
import { checkTemplateSyntax } from '../template-files/template-syntax';

// aws-local-stepfunctions is an ES module with a CommonJS build; its types are declared as ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine }: typeof LocalStepFunctions = require('aws-local-stepfunctions');

export interface LocalWorkflowRunnerOptions {
  /** Logical id of the state machine, when the template has several. */
  readonly stateMachineId?: string;
  /** The cloud assembly directory the template came from, where function assets are staged. */
  readonly assemblyDir?: string;
  /** An existing DynamoDB endpoint. @default - an in-process dynalite server on 127.0.0.1 */
  readonly dynamoDbEndpoint?: string;
  /** Replace every Retry interval with this many milliseconds (tests, demos). @default - as defined */
  readonly retryIntervalMs?: number;
  /** Replace every Wait state's duration with this many milliseconds. @default - as defined */
  readonly waitMs?: number;
  /**
   * Environment variables set on top of every function's own, e.g. `ALLOW_PRIVATE_NETWORKS`
   * to let the renderer reach a test API on 127.0.0.1. @default - the functions' environment
   */
  readonly functionEnvironment?: Record<string, string>;
  /**
   * Keep what functions print (their CloudWatch logs) in `ExecutionRecord.logs` instead of
   * letting it through to stdout. @default true
   */
  readonly captureFunctionLogs?: boolean;
  /**
   * Values of the Secrets Manager secrets templates use, by the name they use
   * (`{{ secrets.apiKey }}` → `apiKey`), served by a local stand-in for Secrets Manager.
   * The secrets of authentication profiles go by `<profile>.<setting>`: `billing.clientSecret`,
   * `partner.password`, `legacy.token`, `search.value` (the secret's whole string).
   * @default - none: a template that uses a secret fails with SecretUnavailableError
   */
  readonly secretValues?: Record<string, string>;
  /** Handlers for functions by logical id, instead of their asset code. */
  readonly lambdaHandlers?: Record<string, LambdaHandler>;
  /** Handlers for Task states by name, for tasks the runner cannot run itself (your hooks). */
  readonly taskHandlers?: Record<string, TaskHandler>;
}

export interface ExecuteOptions {
  /**
   * The execution name, as StartExecution's `name` (1 to 80 characters, none of
   * whitespace, `<>{}[]?*"#%\^|~\`$&,;:/` or control characters). @default - a new UUID
   */
  readonly name?: string;
}

/** A template as plain data: the fields of `ApiTemplate` and of the CLI's template files (the template model's). */
export type LocalTemplate = PlainTemplate;

// StartExecution's name rule (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u;

export class LocalWorkflowRunner {
  /**
   * Synthesizes the App or Stage holding `stack` and runs its state machine (pass
   * `stateMachineId` when the stack has several).
   */
  public static fromStack(stack: Stack, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
    return LocalWorkflowRunner.fromConstruct(stack, options);
  }

  /**
   * Synthesizes the App or Stage holding `construct` and runs the state machine it owns (e.g. a
   * TemplatedApiCaller's), with the stack's seeded templates in the local table.
   */
  public static fromConstruct(construct: IConstruct, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
    const { template, assemblyDir, stateMachineId } = synthesizeStackOf(construct);
    return LocalWorkflowRunner.fromTemplate(template, { assemblyDir, ...options, stateMachineId: options.stateMachineId ?? stateMachineId });
  }

  /** Runs a stack from a cloud assembly, e.g. `cdk.out/MyStack.template.json` after `cdk synth`. */
  public static fromTemplateFile(templateFile: string, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as CfnTemplate;
    return LocalWorkflowRunner.fromTemplate(template, { assemblyDir: path.dirname(path.resolve(templateFile)), ...options });
  }

  /**
   * Reads the state machine out of `template`, starts a local DynamoDB with its tables and seeded
   * templates, and a local Secrets Manager when its functions use secrets.
   */
  public static async fromTemplate(template: CfnTemplate, options: LocalWorkflowRunnerOptions = {}): Promise<LocalWorkflowRunner> {
    polyfillPromiseWithResolvers();
    returnEmptyListsForIndefinitePaths();
    followStateEvents(StateMachine);
    const machine = readStateMachine(template, options.stateMachineId);
    const dynamoDb = await LocalDynamoDb.start({ endpoint: options.dynamoDbEndpoint });
    let secretsManager: LocalSecretsManager | undefined;
    let s3: LocalS3 | undefined;
    try {
      await dynamoDb.createTables(machine.tables);
      for (const { tableName, items } of machine.seeded) {
        for (const item of items) await putPlainItem(dynamoDb, tableName, item);
      }
      const secretArns = secretsByArn(machine.functions, options.secretValues ?? {});
      secretsManager = usesSecrets(machine.functions) ? await LocalSecretsManager.start(secretArns) : undefined;
      s3 = await LocalS3.startFor(machine);
      return new LocalWorkflowRunner(machine, dynamoDb, secretsManager, options, s3);
    } catch (error) {
      await s3?.close();
      await secretsManager?.close();
      await dynamoDb.close();
      throw error;
    }
  }

  private readonly root: CompiledMachine;
  private readonly handlers: Record<string, TaskHandler> = {};
  private readonly retryIntervalOverrides: Record<string, number> = {};
  private readonly waitTimeOverrides: Record<string, number> = {};
  private readonly captureFunctionLogs: boolean;
  /** Every Map Run of this runner's executions, by ARN (DescribeMapRun reads them). */
  private readonly mapRuns = new Map<string, MapRunRecord>();

  private constructor(
    /** @internal What the runner read from the template (this project's tools use it). */
    public readonly machine: LocalStateMachine,
    /** @internal The local DynamoDB: use `dynamoDbEndpoint`, `putItem` or `putTemplate`. */
    public readonly dynamoDb: LocalDynamoDb,
    private readonly secretsManager: LocalSecretsManager | undefined,
    options: LocalWorkflowRunnerOptions,
    private readonly s3?: LocalS3,
  ) {
    this.captureFunctionLogs = options.captureFunctionLogs ?? true;
    const definition = redirectContextPaths(rewriteWholeResultPaths(rewriteNegativeTypeTests(machine.definition)));
    for (const [name, state] of allStates(definition)) {
      if (state.Retry && options.retryIntervalMs !== undefined) this.retryIntervalOverrides[name] = options.retryIntervalMs;
      if (state.Type === 'Wait' && options.waitMs !== undefined) this.waitTimeOverrides[name] = options.waitMs;
      if (state.Type === 'Task') {
        this.handlers[name] = options.taskHandlers?.[name] ?? this.bindTask(name, state, options);
      }
    }
    this.root = compile(definition);
  }

  /** The table the definition's getItem tasks read templates from (the only table, usually). */
  public get templateTable(): LocalTable {
    if (this.machine.tables.length !== 1) {
      throw new Error(`the template declares ${this.machine.tables.length} tables; put items with putItem(tableName, item)`);
    }
    return this.machine.tables[0];
  }

  /** Where the local S3 answers (path-style, any credentials) when a function has large responses; read offloaded bodies there. */
  public get s3Endpoint(): string | undefined {
    return this.s3?.endpoint;
  }

  /**
   * Writes an object to the local S3 (a bucket the stack declares), e.g. the items a Distributed
   * Map's ItemReader reads.
   */
  public async putObject(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
    await this.localS3('putObject').client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
  }

  /** Reads an object from the local S3 as text, e.g. a Distributed Map's result files. */
  public async getObject(bucket: string, key: string): Promise<string> {
    const object = await this.localS3('getObject').client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return object.Body!.transformToString('utf8');
  }

  private localS3(operation: string): LocalS3 {
    if (this.s3 === undefined) throw new Error(`${operation}: no local S3 is running (no function has large responses and the definition neither reads nor writes S3)`);
    return this.s3;
  }

  /** Where the local DynamoDB answers (functions reach it through AWS_ENDPOINT_URL_DYNAMODB). */
  public get dynamoDbEndpoint(): string {
    return this.dynamoDb.endpoint;
  }

  /** Writes a plain item (e.g. a template: PK, SK, url, headers, payload) to a table. */
  public async putItem(item: Record<string, unknown>, tableName = this.templateTable.tableName): Promise<void> {
    await putPlainItem(this.dynamoDb, tableName, item);
  }

  /**
   * Checks a template as the renderer and the CLI do (fields, method, header names, Jinja2
   * syntax), then writes it to the template table; a problem throws, naming the template.
   */
  public async putTemplate(template: LocalTemplate): Promise<void> {
    const item: Record<string, unknown> = {
      [TemplateAttribute.NAME]: template.name,
      [TemplateAttribute.METHOD]: template.method,
      [TemplateAttribute.URL]: template.url,
      [TemplateAttribute.HEADERS]: template.headers,
      [TemplateAttribute.PAYLOAD]: template.payload,
      [TemplateAttribute.TIMEOUT_MS]: template.timeoutMs,
      [TemplateAttribute.DESCRIPTION]: template.description,
      [TemplateAttribute.RESPONSE]: template.response,
      [TemplateAttribute.PAGINATION]: template.pagination,
      [TemplateAttribute.AUTH]: template.auth,
      [TemplateAttribute.RATE_LIMIT]: template.rateLimit,
    };
    let problems: string[];
    try {
      decodeTemplateItem(item);
      problems = checkTemplateSyntax(item);
    } catch (error) {
      problems = [`${(error as Error).name}: ${(error as Error).message}`];
    }
    if (problems.length > 0) {
      throw new Error(`template '${template.name}' ${template.method}: ${problems.join('; ')}`);
    }
    await this.putItem(item);
  }

  /** Runs one execution to its end and records it state by state. */
  public async execute(input: unknown, options: ExecuteOptions = {}): Promise<ExecutionRecord> {
    // StartExecution refuses these before any execution exists: so does the runner.
    const inputBytes = payloadBytes(input ?? {});
    if (inputBytes > MAX_PAYLOAD_BYTES) {
      throw new Error(`StartExecution would fail: the input is ${inputBytes} bytes, more than ${MAX_PAYLOAD_BYTES}`);
    }
    const name = options.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) {
      throw new Error(`StartExecution would fail: ${JSON.stringify(name)} is not a valid execution name (1 to 80 characters, no whitespace, brackets, wildcards, "#%\\^|~\`$&,;:/ or control characters)`);
    }
    const startTime = new Date().toISOString();
    const executionArn = this.machine.type === 'EXPRESS'
      ? `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:express:${this.machine.name}:${name}:${randomUUID()}`
      : `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.machine.name}:${name}`;
    return this.run(this.root, input, {
      executionArn,
      name,
      startTime,
      input,
      roleArn: this.machine.roleArn,
      stateMachineArn: this.machine.arn,
      stateMachineName: this.machine.name,
    }, this.captureFunctionLogs ? [] : undefined);
  }

  /**
   * Runs one execution of `machine` (the state machine, or a Distributed Map's item processor as
   * a child execution) with its own context object; what functions print goes to `logs` if given
   * (children print into their parent's).
   */
  private async run(machine: CompiledMachine, input: unknown, identity: ExecutionIdentity, logs?: string[]): Promise<ExecutionRecord> {
    const started = Date.parse(identity.startTime);
    const contextObject = new ContextObject(identity);
    const mapRuns: MapRunRecord[] = [];
    const handlers = { ...this.handlers };
    for (const [name, { map, processor }] of machine.maps) {
      handlers[name] = (mapInput: unknown) => map.run(mapInput, contextObject, this.s3?.client,
        (childInput, child) => this.run(processor, childInput, child), (mapRun) => {
          mapRuns.push(mapRun);
          this.mapRuns.set(mapRun.mapRunArn, mapRun);
        });
    }
    const run = () => machine.engine.run(input as any, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: this.retryIntervalOverrides,
        waitTimeOverrides: this.waitTimeOverrides,
      },
      context: { [CONTEXT_KEY]: contextObject } as any,
    });
    const execution = logs ? captureOutput(logs, run) : run();
    const states = collectStates(execution.eventLogs, started);
    let status: ExecutionStatus = 'SUCCEEDED';
    let output: unknown;
    let error: string | undefined;
    let cause: string | undefined;
    try {
      output = await execution.result;
    } catch (e) {
      if (e instanceof ExecutionTimeoutError) {
        status = 'TIMED_OUT';
        error = 'States.Timeout';
      } else if (e instanceof ExecutionAbortedError) {
        status = 'ABORTED';
      } else if (e instanceof ExecutionError) {
        // The engine keeps the error that ended the execution as `cause`.
        const failure = e.cause as Error;
        status = 'FAILED';
        error = failure.name;
        cause = failure.message;
      } else {
        throw e;
      }
    }
    const records = await states;
    return {
      executionArn: identity.executionArn,
      stateMachineArn: identity.stateMachineArn,
      name: identity.name,
      startTime: identity.startTime,
      status,
      input,
      output,
      error,
      cause,
      durationMs: Date.now() - started,
      states: records,
      logs: logs ?? [],
      // Every attempt is a transition, as Standard workflows are billed (retries included).
      stateTransitions: records.length,
      ...(mapRuns.length > 0 ? { mapRuns } : {}),
    };
  }

  /** Stops the local DynamoDB (if the runner started it) and the local Secrets Manager. */
  public async close(): Promise<void> {
    await this.s3?.close();
    await this.secretsManager?.close();
    await this.dynamoDb.close();
  }

  private bindTask(name: string, state: any, options: LocalWorkflowRunnerOptions): TaskHandler {
    const resource = String(state.Resource);
    if (resource === 'arn:aws:states:::dynamodb:getItem') {
      return dynamoDbGetItem(this.dynamoDb, this.machine.tables);
    }
    if (resource === 'arn:aws:states:::aws-sdk:sfn:describeMapRun') {
      return describeMapRun(this.mapRuns);
    }
    const invoke = resource === 'arn:aws:states:::lambda:invoke';
    const functionArn = invoke ? state.Parameters?.FunctionName : resource;
    const fn = this.machine.functions.find(f => f.arn === functionArn || f.arn.endsWith(`:function:${functionArn}`));
    if (fn !== undefined && (invoke || resource.startsWith('arn:aws:lambda:'))) {
      const handler = options.lambdaHandlers?.[fn.logicalId] ?? lazyHandler(() => loadAssetHandler(fn, options.assemblyDir ?? process.cwd()));
      // The function's AWS SDK clients find the local services through the standard endpoint
      // variables (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html);
      // local services take any credentials, the SDK needs some.
      const endpoints: Record<string, string> = {
        AWS_ENDPOINT_URL_DYNAMODB: this.dynamoDb.endpoint,
        ...(this.secretsManager ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: this.secretsManager.endpoint } : {}),
        ...(this.s3 ? { AWS_ENDPOINT_URL_S3: this.s3.endpoint } : {}),
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      };
      const environment = { ...fn.environment, ...endpoints, ...options.functionEnvironment };
      return lambdaInvoke({ ...fn, environment }, handler, invoke);
    }
    return async () => {
      throw new Error(`Task state ${name} (${resource}) cannot run locally: pass taskHandlers['${name}']`);
    };
  }
}

async function putPlainItem(db: LocalDynamoDb, tableName: string, item: Record<string, unknown>): Promise<void> {
  await db.client.send(new PutItemCommand({ TableName: tableName, Item: marshall(item, { removeUndefinedValues: true }) }));
}

function usesSecrets(functions: readonly LocalFunction[]): boolean {
  return functions.some(fn => fn.environment[RendererEnvironment.SECRET_ARNS] !== undefined) || authSecretArns(functions).size > 0;
}

/** Secret values by the ARN the functions know them by; a value for an unknown name is an error. */
function secretsByArn(functions: readonly LocalFunction[], values: Record<string, string>): Map<string, string> {
  const arnsByName = new Map<string, string>();
  for (const fn of functions) {
    const json = fn.environment[RendererEnvironment.SECRET_ARNS];
    if (json === undefined) continue;
    for (const [name, arn] of Object.entries<string>(JSON.parse(json))) arnsByName.set(name, arn);
  }
  for (const [name, arn] of authSecretArns(functions)) arnsByName.set(name, arn);
  const byArn = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) {
    const arn = arnsByName.get(name);
    if (arn === undefined) {
      throw new Error(`secretValues.${name}: no function uses a secret named ${name} (secrets: ${[...arnsByName.keys()].join(', ') || 'none'})`);
    }
    byArn.set(arn, value);
  }
  return byArn;
}

function lazyHandler(load: () => LambdaHandler): LambdaHandler {
  let handler: LambdaHandler | undefined;
  return (event, context) => (handler ??= load())(event, context);
}

function stringOrJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Turns the engine's event log into one record per state attempt. The engine reports a failed
 * attempt as StateFailed, then StateRetried (the next attempt starts) or StateCaught.
 */
async function collectStates(events: AsyncGenerator<any>, started: number): Promise<StateRecord[]> {
  const records: Mutable<StateRecord>[] = [];
  const open = new Map<string, { at: number; input: unknown }>();
  const last = new Map<string, Mutable<StateRecord>>();
  for await (const event of events) {
    const state = event.state;
    if (!state) continue;
    // Parallel branches and Map iterations can run states of the same name at once.
    const key = `${event.parentState?.name ?? ''}/${event.index ?? ''}/${state.name}`;
    const finish = (extra: Partial<StateRecord>) => {
      const attempt = open.get(key);
      if (!attempt) return;
      open.delete(key);
      const record = {
        name: state.name,
        type: state.type,
        startedAtMs: attempt.at - started,
        durationMs: event.timestamp - attempt.at,
        inputBytes: byteSize(attempt.input),
        ...extra,
      };
      records.push(record);
      last.set(key, record);
    };
    switch (event.type) {
      case 'StateEntered':
        open.set(key, { at: event.timestamp, input: state.input });
        break;
      case 'StateExited':
        finish({ outputBytes: byteSize(state.output) });
        break;
      case 'StateFailed':
        finish({ error: event.Error, cause: stringOrJson(event.Cause) });
        break;
      case 'StateRetried':
        last.get(key)!.retriedAttempt = event.retry.attempt;
        open.set(key, { at: event.timestamp, input: state.input });
        break;
      case 'StateCaught':
        last.get(key)!.caughtNext = event.catch.catcher.Next;
        break;
    }
  }
  return records;
}

/** An engine for a definition, with the Distributed Maps the runner runs itself and their item processors'. */
interface CompiledMachine {
  readonly engine: LocalStepFunctions.StateMachine;
  readonly maps: ReadonlyMap<string, { readonly map: DistributedMap; readonly processor: CompiledMachine }>;
}

function compile(definition: any): CompiledMachine {
  const { definition: engineDefinition, maps } = asLocalTasks(definition);
  const compiled = new Map<string, { map: DistributedMap; processor: CompiledMachine }>();
  for (const [name, state] of maps) {
    const { ProcessorConfig: _, ...processor } = state.ItemProcessor;
    compiled.set(name, { map: new DistributedMap(name, state), processor: compile(processor) });
  }
  return { engine: new StateMachine(engineDefinition, { validationOptions: { checkArn: false } }), maps: compiled };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
