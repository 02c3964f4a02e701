// TemplatedApiBatch as synthesized: the Distributed Map and its EXPRESS item processor, the
// caller's retries and success range, validation, grants, and cdk-nag.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiTemplate, BatchStateNames as S, HttpMethod, RetryPolicy, StatusRange, TemplatedApiBatch, TemplatedApiBatchProps, TemplatedApiCaller } from '../src';

const template = ApiTemplate.of({ name: 'notify', method: HttpMethod.POST, url: 'https://api.example.com/n', rateLimit: { perSecond: 20 } });

function build(props: Partial<TemplatedApiBatchProps> | ((stack: Stack) => Partial<TemplatedApiBatchProps>) = {}, app = new App()) {
  const stack = new Stack(app, 'B');
  const caller = new TemplatedApiCaller(stack, 'Caller', { templates: [template], successStatus: StatusRange.between(200, 204), retry: RetryPolicy.backoff({ maxAttempts: 2 }) });
  const batch = new TemplatedApiBatch(stack, 'Batch', { caller, ...(typeof props === 'function' ? props(stack) : props) });
  return { stack, caller, batch };
}

/** Items from S3 and results to S3. */
const buckets = (stack: Stack): Partial<TemplatedApiBatchProps> => ({
  itemsBucket: new s3.Bucket(stack, 'Items', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' }),
  resultBucket: new s3.Bucket(stack, 'Results', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' }),
  toleratedFailureCount: 3,
});

function definitionOf(stack: Stack, batch: TemplatedApiBatch): any {
  const parts = stack.resolve((batch.stateMachine.node.defaultChild as any).definitionString)['Fn::Join'][1];
  return JSON.parse(parts.map((p: unknown) => (typeof p === 'string' ? p : `<${JSON.stringify(p).replace(/"/g, "'")}>`)).join(''));
}

test('a STANDARD machine; a Distributed Map of EXPRESS children, maxConcurrency 10 by default, items indexed by $$.Map.Item.Index', () => {
  const { stack, batch } = build();
  expect(Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(2);
  expect(stack.resolve((batch.stateMachine.node.defaultChild as any).stateMachineType)).toBe('STANDARD');
  const json = JSON.stringify(stack.resolve((batch.stateMachine.node.defaultChild as any).definitionString));
  expect(json).toContain('\\"MaxConcurrency\\":10');
  expect(json).toContain('\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\",\\"ExecutionType\\":\\"EXPRESS\\"}');
  expect(json).toContain('\\"index.$\\":\\"$$.Map.Item.Index\\"');
  // The caller's success range and retries, and the rate limit's retry.
  expect(json).toContain('\\"NumericLessThanEquals\\":204');
  expect(json).toContain('\\"ErrorEquals\\":[\\"RateLimitedError\\"]');
  expect(json).toContain('\\"ErrorEquals\\":[\\"RetryableHttpError\\"');
  for (const name of [S.CALL_ITEMS, S.ITEM_CALL_API, S.CHECK_FAILURES, S.BATCH_FAILED]) expect(json).toContain(`\\"${name}\\"`);
});

test.each([
  [{ maxConcurrency: 0 }, /maxConcurrency/],
  [{ toleratedFailurePercentage: 12.5 }, /toleratedFailurePercentage/],
  [{ toleratedFailurePercentage: 101 }, /toleratedFailurePercentage/],
  [{ toleratedFailureCount: -1 }, /toleratedFailureCount/],
])('refused: %o', (props, message) => {
  expect(() => build(props)).toThrow(message);
});

test('items from S3: one Distributed Map per format (JSON, JSONL, CSV) with the ItemReader at $.itemsFrom; every Map writes its results to the result bucket, whatever the app\'s ResultWriter flag', () => {
  for (const flag of [true, false]) {
    const { stack, batch } = build(buckets, new App({ context: { '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': flag } }));
    const definition = definitionOf(stack, batch);
    const from = definition.States[S.CHECK_INPUT].Choices.find((c: any) => c.Variable === '$.itemsFrom').Next;
    expect(from).toBe(S.CHECK_ITEMS_FROM);
    const maps = Object.entries<any>(definition.States).filter(([, state]) => state.Type === 'Map');
    expect(maps.map(([name]) => name).sort()).toEqual(['CallItems', 'CallItemsFrom (CSV)', 'CallItemsFrom (JSON)', 'CallItemsFrom (JSONL)']);
    for (const [name, map] of maps) {
      expect(map.ResultWriter).toEqual({ Resource: expect.stringContaining(':states:::s3:putObject'), Parameters: { Bucket: expect.stringContaining('Results'), Prefix: 'templated-api-batch' } });
      expect(map.ToleratedFailureCount).toBe(3);
      expect(map.Catch).toEqual([{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: S.BATCH_FAILED }]);
      expect(map.Next).toBe(S.COUNT_MAP_RUN);
      // Each processor's states are its own (state names are unique across the machine).
      const suffix = name === 'CallItems' ? '' : name.slice('CallItemsFrom'.length);
      expect(Object.keys(map.ItemProcessor.States)).toContain(`${S.ITEM_CALL_API}${suffix}`);
      expect(map.ItemProcessor.States[`${S.FAIL_ITEM}${suffix}`]).toEqual({ Type: 'Fail', ErrorPath: '$.error', CausePath: '$.cause' });
      if (name !== 'CallItems') {
        expect(map.ItemReader).toMatchObject({ Resource: expect.stringContaining(':states:::s3:getObject'), ReaderConfig: { InputType: suffix.slice(2, -1) }, Parameters: { 'Bucket.$': '$.itemsFrom.bucket', 'Key.$': '$.itemsFrom.key' } });
      }
    }
  }
});

test('grants with buckets: read on the items bucket, the ResultWriter\'s actions on the result prefix only, DescribeMapRun on this machine\'s Map Runs', () => {
  const { stack } = build((st) => ({ ...buckets(st), resultPrefix: 'runs/batch' }));
  const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toMatch(/"Action":"s3:GetObject","Effect":"Allow","Resource":\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["Items[0-9A-F]+","Arn"\]\},"\/\*"\]\]\}/);
  expect(policies).toContain('"s3:PutObject","s3:GetObject","s3:ListMultipartUploadParts","s3:AbortMultipartUpload"');
  expect(policies).toContain('/runs/batch/*');
  expect(policies).toMatch(/"states:DescribeMapRun".*:mapRun:/);
});

test.each([
  [(st: Stack) => ({ itemsBucket: new s3.Bucket(st, 'I') }), /itemsBucket.*needs resultBucket/],
  [{ resultPrefix: 'x' }, /resultPrefix.*needs resultBucket/],
  [(st: Stack) => ({ resultBucket: new s3.Bucket(st, 'R'), resultPrefix: '/abs' }), /resultPrefix/],
  [(st: Stack) => ({ resultBucket: new s3.Bucket(st, 'R'), resultPrefix: 'sp ace' }), /resultPrefix/],
])('refused bucket settings %#', (props, message) => {
  expect(() => build(props as any)).toThrow(message);
});

test('a caller whose maxRetryAfter is longer than an EXPRESS child can wait: a synth warning naming it; none by default', () => {
  const warnings = (maxRetryAfter?: Duration) => {
    const stack = new Stack(new App(), 'W');
    const caller = new TemplatedApiCaller(stack, 'Caller', { templates: [template], maxRetryAfter });
    new TemplatedApiBatch(stack, 'Batch', { caller });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('maxRetryAfter')).map((w) => String(w.entry.data));
  };
  expect(warnings()).toEqual([]);
  expect(warnings(Duration.minutes(10))).toEqual([expect.stringContaining("The caller's maxRetryAfter (10 minutes) is longer than an item's EXPRESS child execution can wait (299 s)")]);
});

test('grantStartExecution', () => {
  const { stack, batch } = build();
  const role = new iam.Role(stack, 'Starter', { assumedBy: new iam.AccountRootPrincipal() });
  batch.grantStartExecution(role);
  const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toContain('states:StartExecution');
});

test.each([
  ['results in the output', { toleratedFailurePercentage: 5 }],
  ['items and results in S3', buckets],
])('cdk-nag: the batch adds no unacknowledged finding (%s)', (_what, props) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-batch-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  build(props, app);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const reportFile = fs.readdirSync(outdir).find((f) => f.includes('validation-report') && f.endsWith('.json'));
  const report = reportFile ? JSON.parse(fs.readFileSync(path.join(outdir, reportFile), 'utf8')) : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  const violations = (report?.pluginReports ?? []).flatMap((p: any) => p.violations ?? []).map((v: any) => `${v.ruleName} ${v.violatingConstructs.map((c: any) => c.constructPath).join(',')}`);
  expect(violations).toEqual([]);
  expect(error).toBeUndefined();
});
