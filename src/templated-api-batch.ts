import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { batchWorkflow } from './private/batch-workflow';
import { checkInteger, checkWholeSeconds } from './private/checks';
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
   * Maximum duration of a batch execution (whole seconds).
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * Calls one template for every item of a list: a STANDARD state machine whose Distributed Map
 * runs each item's call (the caller's `FetchTemplate → CallApi → CheckStatus`, its retries and
 * success range) as an EXPRESS child execution, at most `maxConcurrency` at once.
 *
 * Input `{ "templateName": "...", "method": "POST", "items": [ {params}, ... ] }`; output
 * `{ "succeeded": n, "failed": n, "results": [ { "index", "status", "statusCode"?, "error"?, "cause"? } ] }`
 * with one result per item, in item order.
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

    const definition = batchWorkflow(new Construct(this, 'Workflow'), {
      table: caller.table,
      rendererFunction: caller.rendererFunction,
      retry: caller.retry,
      successStatus: caller.successStatus,
      rateLimited: caller.rateLimitTable !== undefined,
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
    this.acknowledgeDesignFindings(caller);
  }

  // Findings of AwsSolutionsChecks (cdk-nag) that follow from the design, acknowledged where they arise.
  private acknowledgeDesignFindings(caller: TemplatedApiCaller): void {
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
    }
  }

  /**
   * Lets `grantee` start batch executions.
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }
}
