// largeResponses as synthesized: the renderer's settings, a grant that only writes under the
// prefix, the workflow selecting bodyLocation, validation, and cdk-nag.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { definitionOf } from './definition';
import { build, construct } from './stacks';
import { RendererEnvironment, TemplatedApiCaller, WorkflowStateNames as S } from '../src';

const bucketOf = (stack: Stack) => new s3.Bucket(stack, 'Responses', { enforceSSL: true });

function rendererVariables(built: ReturnType<typeof build>): Record<string, unknown> {
  const functions = Object.values(built.template.findResources('AWS::Lambda::Function')) as any[];
  const renderer = functions.find((fn) => fn.Properties.Environment?.Variables?.[RendererEnvironment.RETRYABLE_STATUSES] !== undefined);
  return renderer.Properties.Environment.Variables;
}

test('defaults: 200 KiB threshold (also the cap of bodies kept in the state), 100 MiB cap, prefix responses/', () => {
  const built = build({}, (stack) => ({ largeResponses: { bucket: bucketOf(stack) } }));
  expect(rendererVariables(built)).toMatchObject({
    [RendererEnvironment.LARGE_RESPONSE_BUCKET]: { Ref: expect.stringMatching(/^Responses/) },
    [RendererEnvironment.LARGE_RESPONSE_KEY_PREFIX]: 'responses/',
    [RendererEnvironment.LARGE_RESPONSE_THRESHOLD_BYTES]: String(200 * 1024),
    [RendererEnvironment.MAX_OFFLOADED_RESPONSE_BYTES]: String(100 * 1024 * 1024),
    [RendererEnvironment.MAX_RESPONSE_BYTES]: String(200 * 1024),
  });
});

test('the grant writes under the prefix only: PutObject and AbortMultipartUpload, nothing that reads, lists, deletes or tags', () => {
  const built = build({}, (stack) => ({ largeResponses: { bucket: bucketOf(stack), keyPrefix: 'api/bodies/' } }));
  const statements = Object.values(built.template.findResources('AWS::IAM::Policy'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
  const s3Statements = statements.filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('s3:')));
  expect(s3Statements).toEqual([{
    Effect: 'Allow',
    Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
    Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Responses/), 'Arn'] }, '/api/bodies/*']] },
  }]);
});

test('a KMS-encrypted bucket: the renderer may encrypt with its key, not decrypt', () => {
  const built = build({}, (stack) => ({ largeResponses: { bucket: new s3.Bucket(stack, 'Responses', { encryption: s3.BucketEncryption.KMS, enforceSSL: true }) } }));
  const actions = Object.values(built.template.findResources('AWS::IAM::Policy'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement).flatMap((statement: any) => [statement.Action].flat());
  expect(actions).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:GenerateDataKey*']));
  expect(actions).not.toContain('kms:Decrypt');
});

test('a bucket imported by name works too', () => {
  const built = build({}, (stack) => ({ largeResponses: { bucket: s3.Bucket.fromBucketName(stack, 'Imported', 'my-responses') } }));
  expect(rendererVariables(built)[RendererEnvironment.LARGE_RESPONSE_BUCKET]).toBe('my-responses');
});

test('the workflow keeps bodyLocation next to body; without largeResponses it does not', () => {
  const withLarge = definitionOf(build({}, (stack) => ({ largeResponses: { bucket: bucketOf(stack) } })).template);
  expect(withLarge.States[S.CALL_API].ResultSelector).toEqual({
    'statusCode.$': '$.Payload.statusCode', 'headers.$': '$.Payload.headers', 'body.$': '$.Payload.body', 'bodyLocation.$': '$.Payload.bodyLocation',
  });
  expect(definitionOf(build().template).States[S.CALL_API].ResultSelector).not.toHaveProperty('bodyLocation.$');
});

test.each([
  ['a threshold over 256 KiB', { threshold: Size.kibibytes(257) }, /largeResponses\.threshold/],
  ['a cap under the threshold', { threshold: Size.kibibytes(100), maxSize: Size.kibibytes(99) }, /largeResponses\.maxSize/],
  ['a key prefix with a wildcard', { keyPrefix: 'a/*' }, /largeResponses\.keyPrefix/],
])('%s is refused', (_, options, message) => {
  expect(() => construct({}, (stack) => ({ largeResponses: { bucket: bucketOf(stack), ...options } }))).toThrow(message);
});

test('maxResponseSize and largeResponses together are refused, naming both', () => {
  expect(() => construct({ maxResponseSize: Size.kibibytes(64) }, (stack) => ({ largeResponses: { bucket: bucketOf(stack) } })))
    .toThrow(/maxResponseSize.*largeResponses/);
});

test('cdk-nag: large responses add no unacknowledged finding (the bucket is the user\'s)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Nag');
  const bucket = new s3.Bucket(stack, 'Responses', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
  new TemplatedApiCaller(stack, 'Caller', { largeResponses: { bucket } });
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const reportFile = fs.readdirSync(outdir).find((f) => f.includes('validation-report') && f.endsWith('.json'));
  const report = reportFile ? JSON.parse(fs.readFileSync(path.join(outdir, reportFile), 'utf8')) : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  const violations = (report?.pluginReports ?? []).flatMap((plugin: any) => plugin.violations ?? [])
    .map((v: any) => ({ ruleName: v.ruleName, paths: v.violatingConstructs.map((c: any) => c.constructPath) }));
  expect(violations.filter((v: any) => !v.paths.every((p: string) => p.startsWith('Nag/Responses')))).toEqual([]);
  expect(error === undefined || violations.length > 0).toBe(true);
});

