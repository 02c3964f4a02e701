// The filters, tests and globals templates see: nunjucks' built-in filters and tests where they
// already behave as Jinja2's, the project's Jinja2 versions of the others (jinja-filters.ts,
// jinja-tests.ts), and range/dict/cycler/joiner. Built once per process; nothing is registered
// on nunjucks itself, so another nunjucks user in the process sees nunjucks unchanged.
import builtinFilters from 'nunjucks/src/filters';
import makeGlobals from 'nunjucks/src/globals';
import builtinTests from 'nunjucks/src/tests';
import { TemplateRenderError } from './errors';
import { checkSizeArguments, dictGlobal, hasSizeArguments, JINJA_FILTERS, type FilterContext } from './jinja-filters';
import { JINJA_TESTS } from './jinja-tests';
import { charged, step } from './render-budget';
import { RESPONSE_FILTERS } from './response/link-header';

/** Jinja2's sandbox bound on range(): enough for any request, not enough to exhaust memory. */
export const MAX_RANGE = 100_000;

type Filter = (this: FilterContext, ...args: unknown[]) => unknown;
type Test = (value: unknown, ...args: unknown[]) => boolean;

export interface JinjaEnvironment {
  readonly filters: Readonly<Record<string, Filter>>;
  readonly tests: Readonly<Record<string, Test>>;
  readonly globals: Readonly<Record<string, unknown>>;
  /** What filters see as `this` (filters that call filters and tests by name use it). */
  readonly filterContext: FilterContext;
}

let environment: JinjaEnvironment | undefined;

export function templateEnvironment(): JinjaEnvironment {
  return environment ??= createEnvironment();
}

function createEnvironment(): JinjaEnvironment {
  const filters: Record<string, Filter> = Object.create(null);
  // Every filter, nunjucks' own included, is one step of the render and has its result charged.
  for (const [name, filter] of Object.entries({ ...(builtinFilters as Record<string, Filter>), ...JINJA_FILTERS, ...RESPONSE_FILTERS })) {
    filters[name] = budgeted(name, filter);
  }
  const tests: Record<string, Test> = Object.create(null);
  Object.assign(tests, builtinTests, JINJA_TESTS);
  const nunjucksGlobals = makeGlobals();
  const globals: Record<string, unknown> = Object.create(null);
  Object.assign(globals, {
    range: (...args: unknown[]) => {
      const [start, stop, by] = args.length === 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
      if (by === 0 || !Number.isFinite(start) || !Number.isFinite(stop) || (stop - start) / by > MAX_RANGE) {
        throw new TemplateRenderError(`range() is limited to ${MAX_RANGE} items`);
      }
      return nunjucksGlobals.range(...args);
    },
    dict: dictGlobal,
    cycler: nunjucksGlobals.cycler,
    joiner: nunjucksGlobals.joiner,
  });
  const filterContext: FilterContext = {
    env: {
      opts: { autoescape: false, throwOnUndefined: false },
      getFilter: (name) => lookup(filters, name, 'filter'),
      getTest: (name) => lookup(tests, name, 'test'),
    },
  };
  return { filters, tests, globals, filterContext };
}

function lookup<T>(table: Record<string, T>, name: string, kind: string): T {
  if (!Object.prototype.hasOwnProperty.call(table, name)) {
    throw new TemplateRenderError(`no ${kind} named '${name}'`);
  }
  return table[name];
}

function budgeted(name: string, filter: Filter): Filter {
  const what = `filter ${name} built a value too large`;
  if (!hasSizeArguments(name)) {
    return function (this: FilterContext, ...args: unknown[]) {
      step();
      return charged(filter.apply(this, args), what);
    };
  }
  return function (this: FilterContext, ...args: unknown[]) {
    step();
    checkSizeArguments(name, args);
    return charged(filter.apply(this, args), what);
  };
}
