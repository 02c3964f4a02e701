// The one nunjucks environment, configured for Jinja2: autoescape off, no loaders (templates
// cannot include files), Jinja2 compiler semantics, filters, tests and globals, and the sandbox.
import compiler from 'nunjucks/src/compiler';
import { Environment } from 'nunjucks/src/environment';
import installJinjaCompat from 'nunjucks/src/jinja-compat';
import lexer from 'nunjucks/src/lexer';
import lib from 'nunjucks/src/lib';
import nodes from 'nunjucks/src/nodes';
import parser from 'nunjucks/src/parser';
import runtime from 'nunjucks/src/runtime';
import { TemplateRenderError } from './errors';
import { installJinjaCompiler } from './jinja-compiler';
import { checkSizeArguments, dictGlobal, JINJA_FILTERS } from './jinja-filters';
import { installJinjaParser } from './jinja-parser';
import { JINJA_TESTS } from './jinja-tests';
import { pyStr } from './python-values';
import { charged, step } from './render-budget';
import { installSandbox } from './sandbox';

/** Jinja2's sandbox bound on range(): enough for any request, not enough to exhaust memory. */
export const MAX_RANGE = 100_000;

/**
 * nunjucks' Frame.set splits every name on '.' (for `loop.index`-style names); loop variables
 * and set targets never contain one, so skip the split for them. Same behaviour, less work.
 */
function speedUpFrameSet(): void {
  const frame = runtime.Frame.prototype;
  const set = frame.set;
  frame.set = function (this: { variables: Record<string, unknown> }, name: string, value: unknown, resolveUp?: boolean) {
    if (!resolveUp && !name.includes('.')) {
      this.variables[name] = value;
      return;
    }
    set.call(this, name, value, resolveUp);
  };
}

function budgeted(name: string, filter: (...args: unknown[]) => unknown) {
  const what = `filter ${name} built a value too large`;
  return function (this: unknown, ...args: unknown[]) {
    step();
    checkSizeArguments(name, args);
    return charged(filter.apply(this, args), what);
  };
}

let environment: Environment | undefined;

export function templateEnvironment(): Environment {
  return environment ??= createEnvironment();
}

function createEnvironment(): Environment {
  // Slice syntax (`items[1:3]`) comes from nunjucks' Jinja compatibility layer; the sandbox
  // then replaces the lookups it installs.
  installJinjaCompat.call({ runtime, lib, compiler, parser, nodes, lexer });
  installSandbox();
  installJinjaCompiler();
  installJinjaParser();
  // Python's str() for everything printed; autoescape is off, so no escaping either. Printing
  // an undefined result (`[] | first`, a missing attr()) is an error, as under StrictUndefined.
  speedUpFrameSet();
  runtime.suppressValue = (value) => {
    if (value === undefined) {
      throw new TemplateRenderError('an undefined value was printed');
    }
    return pyStr(value);
  };

  // dev: keep the original error as `cause` (render.ts decides what its message may reveal).
  const env = new Environment(null, { autoescape: false, dev: true });
  for (const [name, filter] of Object.entries(JINJA_FILTERS)) {
    env.addFilter(name, filter as (...args: never[]) => unknown);
  }
  // Every filter, nunjucks' own included, is one step of the render and has its result charged.
  for (const [name, filter] of Object.entries(env.filters)) {
    env.addFilter(name, budgeted(name, filter as (...args: unknown[]) => unknown));
  }
  for (const [name, test] of Object.entries(JINJA_TESTS)) {
    env.addTest(name, test as (...args: never[]) => boolean);
  }
  const range = env.globals.range as (...args: unknown[]) => unknown[];
  env.addGlobal('range', (...args: unknown[]) => {
    const [start, stop, by] = args.length === 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
    if (by === 0 || !Number.isFinite(start) || !Number.isFinite(stop) || (stop - start) / by > MAX_RANGE) {
      throw new TemplateRenderError(`range() is limited to ${MAX_RANGE} items`);
    }
    return range(...args);
  });
  env.addGlobal('dict', dictGlobal);
  return env;
}
