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

/** A path that can select any number of values: a filter, a wildcard, a slice or a deep scan. */
const INDEFINITE = /\[\?\(|\[\*\]|\.\*|\.\.|\[-?\d*:/;
let emptyListsFixed = false;

/**
 * aws-local-stepfunctions 3 fails a path that selects nothing with States.Runtime, indefinite
 * paths included; Step Functions follows Jayway JsonPath there: a filter (`$.results[?(@.status
 * == 'FAILED')]`), wildcard or slice that matches nothing is an empty list
 * (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html). The
 * engine calls jsonpath-plus's `JSONPath` through its module object, so wrapping that export
 * corrects every path it evaluates; a definite path that selects nothing still fails.
 */
export function returnEmptyListsForIndefinitePaths(): void {
  if (emptyListsFixed) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require('jsonpath-plus') as { JSONPath: (options: { path: string; wrap?: boolean }) => unknown };
  const query = library.JSONPath;
  library.JSONPath = Object.assign((options: { path: string; wrap?: boolean }) => {
    const result = query(options);
    return result === undefined && options.wrap === false && INDEFINITE.test(options.path) ? [] : result;
  }, query);
  emptyListsFixed = true;
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

/**
 * aws-local-stepfunctions stores a result at `ResultPath: "$"` under a key named "$" instead of
 * replacing the input with it, which is what "$" means (and what no ResultPath means): the field
 * is dropped from states and catchers alike.
 */
export function rewriteWholeResultPaths(definition: any): any {
  if (Array.isArray(definition)) return definition.map(rewriteWholeResultPaths);
  if (definition === null || typeof definition !== 'object') return definition;
  return Object.fromEntries(Object.entries(definition)
    .filter(([k, v]) => !(k === 'ResultPath' && v === '$'))
    .map(([k, v]) => [k, rewriteWholeResultPaths(v)]));
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
