import { Annotations, ArnFormat, CfnResource, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type BatchResults, batchWorkflow } from './private/batch-workflow';
import { checkInteger, checkWholeSeconds } from './private/checks';
import { EXPRESS_MAX_WAIT } from './private/retry-after';
import { ValidationError } from './private/validation-error';
import { TemplatedApiCaller } from './templated-api-caller';

/**
 * Props of `TemplatedApiBatch`.
 */
export interface TemplatedApiBatchProps {
  /**
   * The caller whose templates, renderer, retry policy and success range the batch uses.
   */
  readonly caller: TemplatedApiCaller;

  /**
   * Items called at once (1 to 10,000): also the most calls in flight against the API.
   *
   * @default 10
   */
  readonly maxConcurrency?: number;

  /**
   * Failed items tolerated before the batch fails with `BatchFailureThresholdExceeded`.
   * With neither this nor `toleratedFailurePercentage`, one failed item fails the batch
   * (as a Distributed Map's own default).
   *
   * @default - see toleratedFailurePercentage
   */
  readonly toleratedFailureCount?: number;

  /**
   * Percentage of failed items tolerated (a whole number from 0 to 100) before the batch fails
   * with `BatchFailureThresholdExceeded`.
   *
   * @default - no failed item is tolerated, unless toleratedFailureCount says otherwise
   */
  readonly toleratedFailurePercentage?: number;

  /**
   * The bucket batches read `itemsFrom` from (read access is granted to the batch). Requires
   * `resultBucket`: items from S3 are too many for the execution output.
   *
   * @default - no items from S3: the input carries `items`
   */
  readonly itemsBucket?: s3.IBucket;

  /**
   * Where every batch writes its results (the Distributed Map's ResultWriter, under
   * `resultPrefix`): the output then has `resultLocation` (the manifest) in place of `results`,
   * and a failed item fails its child execution, so the Map Run lists, counts and can redrive it.
   *
   * @default - the results come back in the output
   */
  readonly resultBucket?: s3.IBucket;

  /**
   * Key prefix of the results in `resultBucket` (each batch writes under `<prefix>/<map run id>/`).
   *
   * @default 'templated-api-batch'
   */
  readonly resultPrefix?: string;

  /**
   * Maximum duration of a batch execution (whole seconds).
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * Calls one template for every item of a list: a STANDARD state machine whose Distributed Map
 * runs each item's call (the caller's `FetchTemplate → CallApi → CheckStatus`, its retries,
 * Retry-After waits and success range) as an EXPRESS child execution, at most `maxConcurrency`
 * at once.
 *
 * Input `{ "templateName": "...", "method": "POST", "items": [ {params}, ... ] }`, or with
 * `itemsBucket`, `"itemsFrom": { "bucket", "key", "format": "JSON" | "JSONL" | "CSV" }` in place
 * of `items`. Output `{ "succeeded": n, "failed": n, "results": [ { "index", "status",
 * "statusCode"?, "error"?, "cause"? } ] }` with one result per item in item order, or with
 * `resultBucket`, `"resultLocation": { "bucket", "key" }` (the Map Run's manifest) in place of
 * `results`.
 */
export class TemplatedApiBatch extends Construct {
  /** The batch state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** Its log group. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: TemplatedApiBatchProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? 10;
    checkInteger(this, 'maxConcurrency', maxConcurrency, 1, 10_000);
    if (props.toleratedFailureCount !== undefined) checkInteger(this, 'toleratedFailureCount', props.toleratedFailureCount, 0, 100_000_000);
    if (props.toleratedFailurePercentage !== undefined) checkInteger(this, 'toleratedFailurePercentage', props.toleratedFailurePercentage, 0, 100);
    const timeout = props.timeout ?? Duration.hours(1);
    checkWholeSeconds(this, 'timeout', timeout, Duration.seconds(1), Duration.days(365));
    if (!(props.caller instanceof TemplatedApiCaller)) {
      throw new ValidationError('caller', 'must be a TemplatedApiCaller', this);
    }
    const { caller } = props;
    if (props.itemsBucket !== undefined && props.resultBucket === undefined) {
      throw new ValidationError('itemsBucket', 'needs resultBucket: the results of items read from S3 are too many for the execution output (256 KiB)', this);
    }
    if (props.resultPrefix !== undefined && props.resultBucket === undefined) {
      throw new ValidationError('resultPrefix', 'needs resultBucket', this);
    }
    const resultPrefix = props.resultPrefix ?? 'templated-api-batch';
    if (!/^[\w!\-.*'()/]{1,512}$/.test(resultPrefix) || resultPrefix.startsWith('/') || resultPrefix.endsWith('/')) {
      throw new ValidationError('resultPrefix', `must be 1 to 512 characters of letters, digits and !-_.*'()/, not starting or ending with '/' (got ${JSON.stringify(resultPrefix)})`, this);
    }

    // An item's Retry-After wait happens inside its EXPRESS child execution, which ends at 5 minutes.
    if (caller.retry.maxAttempts > 0 && caller.maxRetryAfter.toSeconds() > EXPRESS_MAX_WAIT.toSeconds()) {
      Annotations.of(this).addWarningV2('templated-api-caller:batch-retry-after-exceeds-express',
        `The caller's maxRetryAfter (${caller.maxRetryAfter.toHumanString()}) is longer than an item's EXPRESS child execution can wait `
        + `(${EXPRESS_MAX_WAIT.toSeconds()} s): an item asked to wait longer ends in States.Timeout. Lower maxRetryAfter to use the caller in a batch.`);
    }
    const definition = batchWorkflow(new Construct(this, 'Workflow'), {
      table: caller.table,
      rendererFunction: caller.rendererFunction,
      retry: caller.retry,
      successStatus: caller.successStatus,
      rateLimited: caller.rateLimitTable !== undefined,
      // The caller's renderer asks to wait for Retry-After whenever its policy retries.
      retryAfter: caller.retry.maxAttempts > 0,
      itemsBucket: props.itemsBucket,
      results: props.resultBucket ? { bucket: props.resultBucket, prefix: resultPrefix } : undefined,
      maxConcurrency,
      toleratedFailureCount: props.toleratedFailureCount,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    caller.table.encryptionKey?.grantDecrypt(this.stateMachine);
    if (props.itemsBucket) this.grantItemsReading(props.itemsBucket);
    if (props.resultBucket) this.grantResultWriting(props.resultBucket, resultPrefix);
    this.acknowledgeDesignFindings(caller, props.itemsBucket, props.resultBucket && { bucket: props.resultBucket, prefix: resultPrefix });
  }

  // Findings of AwsSolutionsChecks (cdk-nag) that follow from the design, acknowledged where they arise.
  private acknowledgeDesignFindings(caller: TemplatedApiCaller, itemsBucket?: s3.IBucket, results?: BatchResults): void {
    const fn = caller.rendererFunction.node.defaultChild as lambda.CfnFunction;
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only for X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery (*LogDelivery, *ResourcePolicy, DescribeLogGroups): these actions support no resource-level permissions.',
    }, {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the caller\'s renderer function and its versions/aliases (ARN:*), the one function the item processor calls.',
    });
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    if (mapPolicy !== undefined) {
      const machine = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
      const reason = 'The Distributed Map manages its own child executions and Map Runs under this state machine: their names are generated at run time, so only a wildcard under it can name them.';
      Validations.of(mapPolicy).acknowledge(
        { id: `AwsSolutions::AwsSolutions-IAM5[Resource::${executions}:*]`, reason },
        { id: `AwsSolutions::AwsSolutions-IAM5[Resource::${executions}/*:*]`, reason },
      );
      if (results) {
        Validations.of(mapPolicy).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${executions.replace(':execution:', ':mapRun:')}/*]`,
          reason: 'DescribeMapRun (CountMapRun) on this state machine\'s Map Runs, whose ids are generated at run time.',
        });
      }
    }
    // Buckets the stack owns (an imported bucket has a literal ARN: its findings are left to the user, who knows the bucket).
    const owned = (bucket?: s3.IBucket) => {
      const resource = bucket?.node.defaultChild;
      return resource instanceof CfnResource ? Stack.of(this).getLogicalId(resource) : undefined;
    };
    const items = owned(itemsBucket);
    if (items) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${items}.Arn>/*]`,
        reason: 'The ItemReader reads the object the execution input names (itemsFrom.key): any key of the items bucket.',
      });
    }
    const written = owned(results?.bucket);
    if (written) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${written}.Arn>/${results!.prefix}/*]`,
        reason: 'The ResultWriter writes each Map Run\'s result files under the result prefix, in a folder named by the Map Run id.',
      });
    }
  }

  /** The ItemReader's permission: GetObject on the items bucket (and its key, if any). */
  private grantItemsReading(bucket: s3.IBucket): void {
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    bucket.encryptionKey?.grantDecrypt(this.stateMachine);
  }

  /**
   * The ResultWriter's and CountMapRun's permissions
   * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html#resultwriter-iam-policies):
   * the result objects under the prefix, and DescribeMapRun on this state machine's Map Runs, in
   * the policy CDK adds for the Distributed Map (after the state machine, whose ARN it names).
   */
  private grantResultWriting(bucket: s3.IBucket, prefix: string): void {
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${prefix}/*`)],
    }));
    bucket.encryptionKey?.grantEncryptDecrypt(this.stateMachine);
    const mapPolicy = this.stateMachine.node.findChild('DistributedMapPolicy') as iam.Policy;
    const name = Fn.select(6, Fn.split(':', this.stateMachine.stateMachineArn));
    mapPolicy.addStatements(new iam.PolicyStatement({
      actions: ['states:DescribeMapRun'],
      resources: [Stack.of(this).formatArn({ service: 'states', resource: 'mapRun', resourceName: `${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
  }

  /**
   * Lets `grantee` start batch executions.
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }
}
