import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiTemplate, HttpMethod, TemplatedApiCaller, TemplatedApiCallerProps } from '../src';

/** Synthesizes under AwsSolutionsChecks; returns the plugin's report (synth throws on violations). */
function nagReport(props: TemplatedApiCallerProps = {}, extra?: (stack: Stack) => TemplatedApiCallerProps): { error?: Error; report: any } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Nag');
  const caller = new TemplatedApiCaller(stack, 'Caller', { ...props, ...extra?.(stack) });
  const client = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
  caller.grantStartExecution(client);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const reportFile = fs.readdirSync(outdir).find((f) => f.includes('validation-report') && f.endsWith('.json'));
  const report = reportFile ? JSON.parse(fs.readFileSync(path.join(outdir, reportFile), 'utf8')) : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { error, report };
}

function violations(report: any): Array<{ ruleName: string; paths: string[] }> {
  return (report?.pluginReports ?? []).flatMap((plugin: any) => plugin.violations ?? [])
    .map((v: any) => ({ ruleName: v.ruleName, paths: v.violatingConstructs.map((c: any) => c.constructPath) }));
}

describe('AwsSolutionsChecks (cdk-nag)', () => {
  test('the default construct has no unacknowledged finding', () => {
    const { error, report } = nagReport();
    expect(violations(report)).toEqual([]);
    expect(error).toBeUndefined();
  });

  test('EXPRESS has no unacknowledged finding', () => {
    const { error, report } = nagReport({ stateMachineType: sfn.StateMachineType.EXPRESS });
    expect(violations(report)).toEqual([]);
    expect(error).toBeUndefined();
  });

  test('seeded templates and secrets add no unacknowledged finding', () => {
    const { error, report } = nagReport({
      templates: [ApiTemplate.of({ name: 'get-user', method: HttpMethod.GET, url: 'https://api.example.com/users/{{ id }}', headers: { Authorization: 'Bearer {{ secrets.apiKey }}' } })],
    }, (stack) => ({ secrets: { apiKey: new secretsmanager.Secret(stack, 'ApiKey') } }));
    // The secret itself (no rotation: SMG4) is the user's, not the construct's.
    expect(violations(report).filter((v) => !v.paths.every((p) => p.startsWith('Nag/ApiKey')))).toEqual([]);
    expect(violations(report).map((v) => v.ruleName)).toEqual(['AwsSolutions-SMG4']);
    expect(error).toBeDefined();
  });

  test('rate limits and per-template metrics (table, dashboard, alarms) add no unacknowledged finding', () => {
    const { error, report } = nagReport({
      templates: [ApiTemplate.of({ name: 'get-user', method: HttpMethod.GET, url: 'https://api.example.com/users/{{ id }}', rateLimit: { perSecond: 5 } })],
      metrics: {},
    });
    expect(violations(report)).toEqual([]);
    expect(error).toBeUndefined();
  });

  test('turning tracing off is reported (the checks do run)', () => {
    const { error, report } = nagReport({ tracing: false });
    expect(violations(report).map((v) => v.ruleName)).toContain('AwsSolutions-SF2');
    expect(error).toBeDefined();
  });

  test('every acknowledgement carries a reason', () => {
    const stack = new Stack(new App(), 'Ack');
    const caller = new TemplatedApiCaller(stack, 'Caller');
    const acks: Array<[string, string]> = caller.node.findAll().flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.map(([id]) => id).sort()).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]', // renderer role: X-Ray
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]', // state machine role: X-Ray, logs delivery
      expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::<CallerRenderer[0-9A-F]+\.Arn>:\*\]$/),
      'AwsSolutions::AwsSolutions-L1',
    ]);
    for (const [, reason] of acks) expect(reason.length).toBeGreaterThan(60);
  });
});
