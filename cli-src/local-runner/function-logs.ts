// Captures what functions print during a local execution, as CloudWatch Logs would keep it,
// instead of interleaving it with the caller's output. Concurrent executions each get their own
// lines: the capture follows the execution's async context.
import { AsyncLocalStorage } from 'node:async_hooks';

const capture = new AsyncLocalStorage<string[]>();
let installed = false;

/** Runs `fn` with everything written to stdout and stderr in its async context collected in `lines`. */
export function captureOutput<T>(lines: string[], fn: () => T): T {
  install();
  return capture.run(lines, fn);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const lines = capture.getStore();
      if (lines === undefined) return write(chunk, ...rest);
      lines.push(...String(chunk).split('\n').filter(line => line !== ''));
      const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
}
