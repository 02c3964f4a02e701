// Adjustments that let aws-local-stepfunctions run a definition exactly as Step Functions would.

/** aws-local-stepfunctions 3 uses Promise.withResolvers (Node.js 22); Node.js 20 lacks it. */
export function polyfillPromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: () => unknown };
  if (promise.withResolvers === undefined) {
    promise.withResolvers = () => {
      let resolve!: (value: unknown) => void;
      let reject!: (reason: unknown) => void;
      const p = new Promise((res, rej) => { resolve = res; reject = rej; });
      return { promise: p, resolve, reject };
    };
  }
}

const TYPE_TESTS = ['IsPresent', 'IsNull', 'IsString', 'IsNumeric', 'IsBoolean', 'IsTimestamp'];

/**
 * aws-local-stepfunctions never matches a type test set to `false` (what
 * `Condition.isNotPresent()` emits); `Not: { <test>: true }` means the same and works.
 */
export function rewriteNegativeTypeTests(definition: any): any {
  if (Array.isArray(definition)) return definition.map(rewriteNegativeTypeTests);
  if (definition === null || typeof definition !== 'object') return definition;
  const test = TYPE_TESTS.find(t => definition[t] === false);
  if (test !== undefined && typeof definition.Variable === 'string') {
    const { [test]: _, Variable, Next, ...rest } = definition;
    return { ...rest, Not: { Variable, [test]: true }, ...(Next !== undefined ? { Next } : {}) };
  }
  return Object.fromEntries(Object.entries(definition).map(([k, v]) => [k, rewriteNegativeTypeTests(v)]));
}

/** Every state in the definition, Parallel branches and Map processors included. */
export function* allStates(definition: any): Generator<[string, any]> {
  for (const [name, state] of Object.entries<any>(definition?.States ?? {})) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch);
    if (state.Iterator) yield* allStates(state.Iterator);
    if (state.ItemProcessor) yield* allStates(state.ItemProcessor);
  }
}
