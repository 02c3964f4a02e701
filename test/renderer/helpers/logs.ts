// Captures the renderer's JSON log lines (stdout) so tests can assert on them and stay quiet.

export interface CapturedLogs {
  readonly lines: Array<Record<string, unknown>>;
  restore(): void;
}

export function captureLogs(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter((text) => text.trim() !== '')) {
      lines.push(JSON.parse(line));
    }
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}
