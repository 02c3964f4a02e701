// Step Functions' payload quota: 256 KiB of UTF-8 JSON for an execution's input, a task's input
// after Parameters, a task's result and a state's output
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). Over it a state
// fails with States.DataLimitExceeded, a terminal error that neither Retry nor Catch, not even
// States.ALL, handles (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).

export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

export function payloadBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** The engine reads `isRetryable` and `isCatchable` off an error; this one is neither. */
export function dataLimitExceeded(what: string, bytes: number): Error {
  const error = new Error(`${what} is ${bytes} bytes, more than the ${MAX_PAYLOAD_BYTES} bytes Step Functions allows`);
  error.name = DATA_LIMIT_EXCEEDED;
  return Object.assign(error, { isRetryable: false, isCatchable: false });
}

export function checkPayload(what: string, value: unknown): void {
  const bytes = payloadBytes(value);
  if (bytes > MAX_PAYLOAD_BYTES) throw dataLimitExceeded(what, bytes);
}

export function checkStateOutput(stateName: string, output: unknown): void {
  checkPayload(`the output of state ${stateName}`, output);
}
