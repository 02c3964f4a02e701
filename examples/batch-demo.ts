// The demo's batches: a TemplatedApiBatch of 50 items through a template limited to 10 calls a
// second, run locally from its synthesized definition against a partner stand-in on 127.0.0.1,
// then the same template over 20 customers read from a CSV object in S3, with the results
// written to S3 (the local S3). Prints the outcomes, the rate the partner saw and the metrics
// summary; returns the number of unexpected outcomes.
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { busiestSecond, startArrivalRecorder } from './arrival-recorder';
import { LocalWorkflowRunner } from '../cli-src/local-runner';
import { formatCallSummary, summarizeCalls } from '../cli-src/local-runner/metrics-summary';
import { ApiTemplate, HttpMethod, TemplatedApiBatch, TemplatedApiCaller } from '../src';

const ITEMS = 50;
const PER_SECOND = 10;

export async function runBatchDemo(): Promise<number> {
  // The partner stand-in, in a process of its own: it sees calls when they arrive. Customer 13 is
  // unknown to the partner: one failed item, tolerated.
  const partner = await startArrivalRecorder({ status: 202, notFound: ['/customers/c-13'] });
  const origin = partner.origin;

  const stack = new cdk.Stack(new cdk.App(), 'TemplatedApiBatchExample');
  const caller = new TemplatedApiCaller(stack, 'ApiCaller', {
    allowPrivateNetworks: true, // the partner stand-in is on 127.0.0.1
    metrics: { namespace: 'Example/Partner' },
    templates: [ApiTemplate.of({
      name: 'notify-customer',
      method: HttpMethod.POST,
      url: `${origin}/customers/{{ customerId | urlencode }}`,
      payload: '{"message": {{ message | tojson }}}',
      rateLimit: { perSecond: PER_SECOND, burst: 1 },
    })],
  });
  const batch = new TemplatedApiBatch(stack, 'Batch', { caller, maxConcurrency: 10, toleratedFailurePercentage: 5 });
  // The same calls for a list kept in S3, the results written there.
  const fromS3 = new TemplatedApiBatch(stack, 'BatchFromS3', {
    caller,
    toleratedFailurePercentage: 5,
    itemsBucket: new s3.Bucket(stack, 'Items', { bucketName: 'example-batch-items' }),
    resultBucket: new s3.Bucket(stack, 'Results', { bucketName: 'example-batch-results' }),
  });
  const runner = await LocalWorkflowRunner.fromConstruct(batch);
  try {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ customerId: `c-${i}`, message: 'Your order shipped' }));
    console.log(`▶ A batch of ${ITEMS} items through notify-customer, limited to ${PER_SECOND} calls/s (TemplatedApiBatch, maxConcurrency 10, 5 % tolerated)`);
    const started = Date.now();
    const record = await runner.execute({ templateName: 'notify-customer', method: 'POST', items });
    const arrivals = await partner.arrivals();
    type Result = { index: number; status: string; error?: string };
    const output = record.output as { succeeded: number; failed: number; results: Result[] } | undefined;
    const sorted = [...arrivals].sort((a, b) => a - b);
    const busiest = busiestSecond(arrivals);
    const achieved = (sorted.length - 1) / Math.max(0.001, (sorted[sorted.length - 1] - sorted[0]) / 1000);
    console.log(`  ${record.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${output?.succeeded} succeeded, ${output?.failed} failed`
      + ` (${output?.results.filter((r) => r.status === 'FAILED').map((r) => `#${r.index} ${r.error}`).join(', ')})`);
    console.log(`  the partner saw ${arrivals.length} calls at ${achieved.toFixed(1)} calls/s (limit ${PER_SECOND}/s), at most ${busiest} in any one second`);
    console.log(formatCallSummary(summarizeCalls(record.logs)).split('\n').map((line) => `  ${line}`).join('\n'));
    const problems = [
      record.status !== 'SUCCEEDED' && `status ${record.status} (${record.error}), expected SUCCEEDED`,
      output?.succeeded !== ITEMS - 1 && `${output?.succeeded} succeeded, expected ${ITEMS - 1}`,
      busiest > PER_SECOND + 1 && `${busiest} calls in one second, more than ${PER_SECOND} + burst 1`,
    ].filter(Boolean);
    console.log(problems.length === 0 ? '  ✔ as expected\n' : `  ✘ ${problems.join('; ')}\n`);
    return problems.length + await runS3Batch(fromS3);
  } finally {
    await runner.close();
    partner.close();
  }
}

/** 20 customers from a CSV object in the items bucket; the results land in the result bucket. */
async function runS3Batch(batch: TemplatedApiBatch): Promise<number> {
  const runner = await LocalWorkflowRunner.fromConstruct(batch);
  try {
    const csv = ['customerId,message', ...Array.from({ length: 20 }, (_, i) => `c-${i},"Your order shipped, thank you"`)].join('\n') + '\n';
    await runner.putObject('example-batch-items', 'customers.csv', csv);
    console.log('▶ The same template for 20 customers read from s3://example-batch-items/customers.csv (itemsFrom, CSV), results to S3 (resultBucket)');
    const record = await runner.execute({ templateName: 'notify-customer', method: 'POST', itemsFrom: { bucket: 'example-batch-items', key: 'customers.csv', format: 'CSV' } });
    const output = record.output as { succeeded: number; failed: number; resultLocation: { bucket: string; key: string } } | undefined;
    console.log(`  ${record.status}: ${output?.succeeded} succeeded, ${output?.failed} failed; results: s3://${output?.resultLocation.bucket}/${output?.resultLocation.key}`);
    const manifest = output && JSON.parse(await runner.getObject(output.resultLocation.bucket, output.resultLocation.key));
    const failed: Array<{ Input: string; Error: string; Cause: string }> = [];
    for (const file of manifest?.ResultFiles.FAILED ?? []) failed.push(...JSON.parse(await runner.getObject(manifest.DestinationBucket, file.Key)));
    for (const entry of failed) {
      const input = JSON.parse(entry.Input);
      console.log(`  FAILED_0.json: item #${input.index} ${JSON.stringify(input.params)} → ${entry.Error}: ${entry.Cause}`);
    }
    const problems = [
      record.status !== 'SUCCEEDED' && `status ${record.status} (${record.error}), expected SUCCEEDED`,
      (output?.succeeded !== 19 || output?.failed !== 1) && `${output?.succeeded} succeeded and ${output?.failed} failed, expected 19 and 1`,
      (failed.length !== 1 || JSON.parse(failed[0].Input).params.customerId !== 'c-13') && 'FAILED_0.json should list customer c-13',
    ].filter(Boolean);
    console.log(problems.length === 0 ? '  ✔ as expected\n' : `  ✘ ${problems.join('; ')}\n`);
    return problems.length;
  } finally {
    await runner.close();
  }
}
