// What one render may spend. A template is configuration, so no template may hang the function
// or exhaust its memory: every loop iteration, call and built value is charged here, and the
// first limit crossed ends the render with a TemplateRenderError naming the limit. Renders are
// synchronous, so the render in progress is a module-level value, set and cleared around it.
import { TemplateRenderError } from './errors';

export interface RenderLimits {
  /** Loop iterations, macro calls and filter calls in one render. */
  readonly maxSteps: number;
  /** Nested macro/caller calls. */
  readonly maxCallDepth: number;
  /** Nesting of brackets and block tags in a template's source (the parser recurses on it). */
  readonly maxNesting: number;
  /** Characters of any one string a render builds, its output included. */
  readonly maxStringLength: number;
  /** Items of any one list or dict a render builds. */
  readonly maxListLength: number;
  /** Characters and items built over the whole render (intermediate values included). */
  readonly maxTotalAllocation: number;
  /** Wall-clock time of one render. */
  readonly timeoutMs: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxSteps: 1_000_000,
  maxCallDepth: 100,
  maxNesting: 100,
  // A synchronous Lambda request is at most 6 MB, so no useful rendered value is longer.
  maxStringLength: 6 * 1024 * 1024,
  maxListLength: 100_000,
  maxTotalAllocation: 64 * 1024 * 1024,
  timeoutMs: 1_000,
};

/** How often (in steps) the clock is read: cheap, and a step is at most one filter over a bounded value. */
const CLOCK_EVERY = 16;

interface Budget {
  readonly limits: RenderLimits;
  readonly deadline: number;
  steps: number;
  depth: number;
  allocated: number;
}

let current: Budget | undefined;

/** Runs `render` under `limits`; nested calls share the outer budget. */
export function withRenderBudget<T>(limits: RenderLimits, render: () => T): T {
  if (current !== undefined) {
    return render();
  }
  current = { limits, deadline: Date.now() + limits.timeoutMs, steps: 0, depth: 0, allocated: 0 };
  try {
    return render();
  } finally {
    current = undefined;
  }
}

/** The limits in force: the render's, or the defaults outside a render (tests, validation). */
export function renderLimits(): RenderLimits {
  return current?.limits ?? DEFAULT_RENDER_LIMITS;
}

export function limitExceeded(limit: keyof RenderLimits, what: string): TemplateRenderError {
  return new TemplateRenderError(`render limit ${limit} (${renderLimits()[limit]}) exceeded: ${what}`);
}

/** One unit of work: a loop iteration, a call, a filter. */
export function step(): void {
  const budget = current;
  if (budget === undefined) return;
  if (++budget.steps > budget.limits.maxSteps) {
    throw limitExceeded('maxSteps', 'too many loop iterations and calls');
  }
  if (budget.steps % CLOCK_EVERY === 0 && Date.now() > budget.deadline) {
    throw limitExceeded('timeoutMs', 'the render took too long');
  }
}

/** Runs a macro or caller body one level deeper. */
export function nestedCall<T>(call: () => T): T {
  const budget = current;
  if (budget === undefined) return call();
  step();
  if (budget.depth >= budget.limits.maxCallDepth) {
    throw limitExceeded('maxCallDepth', 'calls nested too deeply');
  }
  budget.depth++;
  try {
    return call();
  } finally {
    budget.depth--;
  }
}

/**
 * Refuses a string or list about to be built with `size` characters or items, before it is
 * built (so the memory is never taken), and charges it to the render's total.
 */
export function reserve(size: number, kind: 'string' | 'list', what: string): void {
  const limits = renderLimits();
  const max = kind === 'string' ? limits.maxStringLength : limits.maxListLength;
  if (!(size <= max)) {
    throw limitExceeded(kind === 'string' ? 'maxStringLength' : 'maxListLength', what);
  }
  const budget = current;
  if (budget !== undefined) {
    budget.allocated += size;
    if (budget.allocated > limits.maxTotalAllocation) {
      throw limitExceeded('maxTotalAllocation', what);
    }
  }
}

/** Charges a value already built (a filter's or method's result); returns it. */
export function charged<T>(value: T, what: string): T {
  if (typeof value === 'string') {
    reserve(value.length, 'string', what);
  } else if (Array.isArray(value)) {
    reserve(value.length, 'list', what);
  }
  return value;
}
