// The CloudWatch Embedded Metric Format specification as a checker: every rule of
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
// that a document can break, each returned as a problem naming the rule.

/** Units a MetricDefinition may name (the CloudWatch StandardUnit values). */
const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second',
  'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second',
  'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

/** Problems of one log line read as an EMF document; none when it is valid. */
export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let root: Record<string, unknown>;
  try {
    root = JSON.parse(line);
  } catch {
    return ['root node: the LogEvent message must be a valid JSON object with no data before or after it'];
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return ['root node: must be a JSON object'];
  if (line.length > 1024 * 1024) problems.push('the document is larger than 1 MB (the CloudWatch Logs event limit)');
  const aws = root._aws as Record<string, unknown> | undefined;
  if (typeof aws !== 'object' || aws === null) return ['root node: must contain the _aws metadata object'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) {
    problems.push('metadata: Timestamp must be a number of milliseconds since the epoch');
  }
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, 'metadata: CloudWatchMetrics must be an array of MetricDirective objects'];
  for (const [d, directive] of (aws.CloudWatchMetrics as Array<Record<string, unknown>>).entries()) {
    const at = `MetricDirective ${d}`;
    if (typeof directive.Namespace !== 'string' || directive.Namespace.length < 1 || directive.Namespace.length > 1024) {
      problems.push(`${at}: Namespace must be a string of 1 to 1024 characters`);
    }
    if (!Array.isArray(directive.Dimensions)) {
      problems.push(`${at}: Dimensions must be an array of DimensionSet arrays`);
    } else {
      for (const set of directive.Dimensions as unknown[]) {
        if (!Array.isArray(set) || set.length > 30) {
          problems.push(`${at}: a DimensionSet must be an array of at most 30 dimension keys`);
          continue;
        }
        for (const key of set) {
          const value = root[key as string];
          if (typeof key !== 'string' || key.length < 1 || key.length > 250) problems.push(`${at}: dimension key ${JSON.stringify(key)} must be a string of 1 to 250 characters`);
          // Dimension values must be strings on the root node (non-empty, at most 1024 characters).
          else if (typeof value !== 'string' || value.length < 1 || value.length > 1024) problems.push(`${at}: dimension ${key} must reference a string member of 1 to 1024 characters on the root node`);
        }
      }
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > 100) {
      problems.push(`${at}: Metrics must be an array of at most 100 MetricDefinition objects`);
      continue;
    }
    for (const metric of directive.Metrics as Array<Record<string, unknown>>) {
      const name = metric.Name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 1024) {
        problems.push(`${at}: a MetricDefinition Name must be a string of 1 to 1024 characters`);
        continue;
      }
      if (metric.Unit !== undefined && !UNITS.has(metric.Unit as string)) problems.push(`${at}: metric ${name} has an unknown Unit ${String(metric.Unit)}`);
      if (metric.StorageResolution !== undefined && metric.StorageResolution !== 1 && metric.StorageResolution !== 60) problems.push(`${at}: metric ${name} StorageResolution must be 1 or 60`);
      // Target members: the root node must hold every metric's value, a number or up to 100 numbers.
      const value = root[name];
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.length > 100 || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        problems.push(`${at}: metric ${name} must reference a number (or an array of at most 100 numbers) on the root node`);
      }
    }
  }
  return problems;
}
