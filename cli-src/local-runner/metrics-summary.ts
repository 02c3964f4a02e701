// The per-template metrics of a local run, read back from the renderer's log lines (the same
// fields CloudWatch extracts from them on AWS): printed at the end of a run.

/** One template and method's calls in a run. */
export interface TemplateCallSummary {
  readonly template: string;
  readonly method: string;
  readonly calls: number;
  /** Calls by status class (`2xx`, `4xx`, ...). */
  readonly statusClasses: Record<string, number>;
  /** Calls that ended in an error, by error name. */
  readonly errors: Record<string, number>;
  readonly retries: number;
  readonly rateLimitWaits: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

interface Group {
  readonly template: string;
  readonly method: string;
  readonly latencies: number[];
  readonly statusClasses: Record<string, number>;
  readonly errors: Record<string, number>;
  retries: number;
  rateLimitWaits: number;
}

/** Summaries per template and method, from log lines (JSON or not; other lines are skipped). */
export function summarizeCalls(logLines: readonly string[]): TemplateCallSummary[] {
  const groups = new Map<string, Group>();
  for (const line of logLines) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line.slice(line.indexOf('{')));
    } catch {
      continue;
    }
    if (entry.message !== 'api call') continue;
    const template = String(entry.template ?? '');
    const method = String(entry.method ?? '');
    const key = `${template} ${method}`;
    const group = groups.get(key) ?? { template, method, latencies: [], statusClasses: {}, errors: {}, retries: 0, rateLimitWaits: 0 };
    groups.set(key, group);
    group.latencies.push(Number(entry.durationMs) || 0);
    if (typeof entry.status === 'number') {
      const statusClass = `${Math.floor(entry.status / 100)}xx`;
      group.statusClasses[statusClass] = (group.statusClasses[statusClass] ?? 0) + 1;
    }
    if (typeof entry.error === 'string') group.errors[entry.error] = (group.errors[entry.error] ?? 0) + 1;
    if (Number(entry.attempt) > 1) group.retries++;
    if (Number(entry.rateLimitWaitMs) > 0) group.rateLimitWaits++;
  }
  return [...groups.values()].map(({ latencies, ...group }) => {
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
    return { ...group, calls: sorted.length, latencyP50Ms: at(0.5), latencyP99Ms: at(0.99) };
  });
}

/** The summary as a few lines of text, one per template and method. */
export function formatCallSummary(summaries: readonly TemplateCallSummary[]): string {
  if (summaries.length === 0) return 'metrics: no API calls';
  const lines = summaries.map((s) => {
    const statuses = Object.entries(s.statusClasses).map(([c, n]) => `${c} ${n}`).join(', ') || 'no response';
    const errors = Object.entries(s.errors).map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
    return `  ${`${s.template || '(unknown)'} ${s.method}`.padEnd(28)} calls ${String(s.calls).padStart(4)}  ${statuses}  errors: ${errors}  retries ${s.retries}  rate-limit waits ${s.rateLimitWaits}  latency p50 ${s.latencyP50Ms.toFixed(1)} ms, p99 ${s.latencyP99Ms.toFixed(1)} ms`;
  });
  return ['metrics (per template and method, from the renderer\'s log lines):', ...lines].join('\n');
}
