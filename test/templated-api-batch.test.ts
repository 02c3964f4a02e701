// TemplatedApiBatch as synthesized: the Distributed Map and its EXPRESS item processor, the
// caller's retries and success range, validation, grants, and cdk-nag.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiTemplate, BatchStateNames as S, HttpMethod, RetryPolicy, StatusRange, TemplatedApiBatch, TemplatedApiBatchProps, TemplatedApiCaller } from '../src';

const template = ApiTemplate.of({ name: 'notify', method: HttpMethod.POST, url: 'https://api.example.com/n', rateLimit: { perSecond: 20 } });

function build(props: Partial<TemplatedApiBatchProps> = {}, app = new App()) {
  const stack = new Stack(app, 'B');
  const caller = new TemplatedApiCaller(stack, 'Caller', { templates: [template], successStatus: StatusRange.between(200, 204), retry: RetryPolicy.backoff({ maxAttempts: 2 }) });
  const batch = new TemplatedApiBatch(stack, 'Batch', { caller, ...props });
  return { stack, caller, batch };
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

test('grantStartExecution', () => {
  const { stack, batch } = build();
  const role = new iam.Role(stack, 'Starter', { assumedBy: new iam.AccountRootPrincipal() });
  batch.grantStartExecution(role);
  const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toContain('states:StartExecution');
});

test('cdk-nag: the batch adds no unacknowledged finding', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-batch-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  build({ toleratedFailurePercentage: 5 }, app);
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
