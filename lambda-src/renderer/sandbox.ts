// The sandbox, in one file: every member access, call and attribute path a template makes goes
// through here (the evaluator has no other way to reach a value's properties). Allowed: own data
// properties, the Python methods of python-methods.ts, and nothing on functions or named like
// internals. Stock nunjucks resolves any property (`range.constructor` is Function, so
// `range.constructor('return process')()` would run code); here that is a TemplateRenderError.
import { TemplateRenderError } from './errors';
import { pythonMethod } from './python-methods';
import { hasOwn } from './python-values';
import { nestedCall } from './render-budget';

/** Names that lead to prototypes, constructors and property internals, refused as members. */
export function isForbiddenName(name: string): boolean {
  return name === 'constructor' || name === 'prototype' || name.startsWith('__');
}

/** The constructors that turn strings into code. Nothing should reach them; refuse calls anyway. */
const CODE_CONSTRUCTORS: ReadonlySet<unknown> = new Set([
  Function,
  Object.getPrototypeOf(async function () {}).constructor,
  Object.getPrototypeOf(function* () {}).constructor,
  Object.getPrototypeOf(async function* () {}).constructor,
  eval,
]);

export function sandboxViolation(what: string): TemplateRenderError {
  return new TemplateRenderError(`sandbox: access to ${what} is not allowed`);
}

/** `obj.key` and `obj[key]`. Keys may be computed from params or secrets: messages never quote them. */
export function safeMemberLookup(obj: unknown, key: unknown): unknown {
  const property: string | number = typeof key === 'number' ? key : String(key);
  if (typeof property === 'string' && isForbiddenName(property)) {
    throw sandboxViolation('a member named constructor, prototype or __*');
  }
  return allowedMemberLookup(obj, property);
}

/**
 * The lookup for a key already known not to be forbidden: a literal key the template compiler
 * checked once (`order.id`), or one safeMemberLookup checked.
 */
export function allowedMemberLookup(obj: unknown, key: string | number): unknown {
  if (obj === undefined || obj === null) {
    return undefined;
  }
  if (typeof obj === 'function') {
    throw sandboxViolation('attributes of a function');
  }
  let property = key;
  const isSequence = typeof obj === 'string' || Array.isArray(obj);
  if (typeof property === 'number' && property < 0 && isSequence) {
    property += (obj as string | unknown[]).length; // Python negative index
  }
  if (hasOwn(obj as object, property)) {
    const value = (obj as Record<string | number, unknown>)[property];
    return typeof value === 'function' ? bindOwnMethod(obj, value as (...args: unknown[]) => unknown) : value;
  }
  return typeof property === 'string' ? pythonMethod(obj, property) : undefined;
}

/** Own function properties exist on cycler() and joiner() results: bound to their object. */
function bindOwnMethod(obj: unknown, method: (...args: unknown[]) => unknown) {
  if (CODE_CONSTRUCTORS.has(method)) {
    throw sandboxViolation('a code constructor');
  }
  return (...args: unknown[]) => method.apply(obj, args);
}

/** `obj[start:stop:step]` on strings and lists, as Python slices. */
export function sliceOf(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (typeof obj !== 'string' && !Array.isArray(obj)) {
    throw new TemplateRenderError('only strings and lists can be sliced');
  }
  const by = step === null || step === undefined ? 1 : Number(step);
  if (!Number.isInteger(by) || by === 0) {
    throw new TemplateRenderError('slice step must be a non-zero integer');
  }
  const length = obj.length;
  const clamp = (value: unknown, fallback: number, low: number, high: number) => {
    if (value === null || value === undefined) return fallback;
    const index = Number(value);
    return Math.min(Math.max(index < 0 ? index + length : index, low), high);
  };
  const first = by > 0 ? clamp(start, 0, 0, length) : clamp(start, length - 1, -1, length - 1);
  const last = by > 0 ? clamp(stop, length, 0, length) : clamp(stop, -1, -1, length - 1);
  const items: unknown[] = [];
  for (let index = first; by > 0 ? index < last : index > last; index += by) {
    items.push(obj[index]);
  }
  return typeof obj === 'string' ? items.join('') : items;
}

/** Every call a template makes: functions only, never a code constructor, one level deeper. */
export function safeCall(fn: unknown, name: string, args: unknown[]): unknown {
  if (typeof fn !== 'function') {
    throw new TemplateRenderError(`'${name}' is not callable`);
  }
  if (CODE_CONSTRUCTORS.has(fn)) {
    throw sandboxViolation('a code constructor');
  }
  return nestedCall(() => fn(...args));
}

/** attribute='a.b.0' as Jinja2's make_attrgetter reads it, through the sandboxed lookup. */
export function safeAttrGetter(attribute: string): (item: unknown) => unknown {
  const parts = String(attribute).split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) => parts.reduce<unknown>((value, part) => safeMemberLookup(value, part), item);
}
