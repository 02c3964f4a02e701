// The demo's batch: a TemplatedApiBatch of 50 items through a template limited to 10 calls a
// second, run locally from its synthesized definition against a partner stand-in on 127.0.0.1.
// Prints the outcome, the rate the partner saw and the metrics summary; returns the number of
// unexpected outcomes.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cdk from 'aws-cdk-lib';
import { LocalWorkflowRunner } from '../cli-src/local-runner';
import { formatCallSummary, summarizeCalls } from '../cli-src/local-runner/metrics-summary';
import { ApiTemplate, HttpMethod, TemplatedApiBatch, TemplatedApiCaller } from '../src';

const ITEMS = 50;
const PER_SECOND = 10;

export async function runBatchDemo(): Promise<number> {
  const arrivals: number[] = [];
  const partner = http.createServer((req, res) => {
    arrivals.push(Date.now());
    // Customer 13 is unknown to the partner: one failed item, tolerated.
    const unknown = (req.url ?? '').endsWith('/c-13');
    res.writeHead(unknown ? 404 : 202, { 'content-type': 'application/json' }).end(unknown ? '{"error":"no such customer"}' : '{"queued":true}');
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;

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
  const runner = await LocalWorkflowRunner.fromConstruct(batch);
  try {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ customerId: `c-${i}`, message: 'Your order shipped' }));
    console.log(`▶ A batch of ${ITEMS} items through notify-customer, limited to ${PER_SECOND} calls/s (TemplatedApiBatch, maxConcurrency 10, 5 % tolerated)`);
    const started = Date.now();
    const record = await runner.execute({ templateName: 'notify-customer', method: 'POST', items });
    type Result = { index: number; status: string; error?: string };
    const output = record.output as { succeeded: number; failed: number; results: Result[] } | undefined;
    const sorted = [...arrivals].sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while (sorted[j] < sorted[i] - 999) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
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
    return problems.length;
  } finally {
    await runner.close();
    partner.closeAllConnections();
    partner.close();
  }
}
