// How a local execution is printed, the same in `run` and in the demo (examples/demo.ts): the
// states under their column headings, the summary, then the functions' log lines, compacted.
import { ExecutionRecord, formatExecution, formatLogLine } from '../local-runner';

export function executionReport(record: ExecutionRecord): string[] {
  return [formatExecution(record), ...record.logs.map(line => `  log ${formatLogLine(line)}`)];
}
