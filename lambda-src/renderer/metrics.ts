// Per-template metrics as CloudWatch Embedded Metric Format fields on the call's one log line:
// CloudWatch Logs extracts them, so the renderer makes no API call and writes nothing more.
// Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
// The dimensions are the log line's own `template`, `method` and `error` members (dimension
// values must be strings on the root node); metric values are members named after the metric.

/** What a call measured, as the log line holds it. */
export interface CallMeasures {
  readonly template: string;
  readonly method: string;
  readonly status?: number;
  readonly durationMs: number;
  readonly timeToFirstByteMs?: number;
  readonly attempt: number;
  readonly error?: string;
  readonly rateLimitWaitMs?: number;
}

/** Metric names: the members of the log line that hold their values. */
export const MetricName = {
  CALLS: 'calls',
  LATENCY: 'durationMs',
  TIME_TO_FIRST_BYTE: 'timeToFirstByteMs',
  ERRORS: 'errors',
  RETRIES: 'retries',
  RATE_LIMIT_WAITS: 'rateLimitWaits',
  RATE_LIMIT_WAIT_TIME: 'rateLimitWaitMs',
  /** `status2xx` … `status5xx` (and `status1xx`): one of them is 1 per call with a response. */
  statusClass: (status: number) => `status${Math.floor(status / 100)}xx`,
} as const;

/** Dimension names (members of the log line). */
export const MetricDimension = { TEMPLATE: 'template', METHOD: 'method', ERROR: 'error' } as const;

interface MetricDefinition {
  readonly Name: string;
  readonly Unit: 'Count' | 'Milliseconds';
}

/**
 * The fields to merge into the log line: `_aws` (the metadata) and the metric values. Calls,
 * latency and status class per template and method; errors also per error name.
 */
export function metricFields(call: CallMeasures, namespace: string, timestampMs: number): Record<string, unknown> {
  const values: Record<string, number> = { [MetricName.CALLS]: 1 };
  const metrics: MetricDefinition[] = [{ Name: MetricName.CALLS, Unit: 'Count' }, { Name: MetricName.LATENCY, Unit: 'Milliseconds' }];
  const count = (name: string) => {
    values[name] = 1;
    metrics.push({ Name: name, Unit: 'Count' });
  };
  if (call.timeToFirstByteMs !== undefined) {
    values[MetricName.TIME_TO_FIRST_BYTE] = Math.round(call.timeToFirstByteMs * 1000) / 1000;
    metrics.push({ Name: MetricName.TIME_TO_FIRST_BYTE, Unit: 'Milliseconds' });
  }
  if (call.status !== undefined) count(MetricName.statusClass(call.status));
  if (call.error !== undefined) count(MetricName.ERRORS);
  if (call.attempt > 1) count(MetricName.RETRIES);
  if (call.rateLimitWaitMs !== undefined && call.rateLimitWaitMs > 0) {
    count(MetricName.RATE_LIMIT_WAITS);
    values[MetricName.RATE_LIMIT_WAIT_TIME] = call.rateLimitWaitMs;
    metrics.push({ Name: MetricName.RATE_LIMIT_WAIT_TIME, Unit: 'Milliseconds' });
  }
  // A dimension value must be a non-empty string: a call that failed before its template was
  // known (a malformed event) counts in the namespace's totals only.
  const named = call.template !== '' && call.method !== '';
  const perTemplate: string[] = named ? [MetricDimension.TEMPLATE, MetricDimension.METHOD] : [];
  const directives = [{ Namespace: namespace, Dimensions: [perTemplate], Metrics: metrics }];
  if (call.error !== undefined) {
    directives.push({ Namespace: namespace, Dimensions: [[...perTemplate, MetricDimension.ERROR]], Metrics: [{ Name: MetricName.ERRORS, Unit: 'Count' }] });
  }
  return { _aws: { Timestamp: timestampMs, CloudWatchMetrics: directives }, ...values };
}
