// Keeps template code away from the JavaScript runtime. Stock nunjucks resolves any property
// (`range.constructor` is Function, so `range.constructor('return process')()` runs code).
// Here every lookup the compiled template makes goes through a whitelist: own data properties,
// the Python methods of python-methods.ts, and nothing on functions or named like internals.
import lib from 'nunjucks/src/lib';
import runtime from 'nunjucks/src/runtime';
import type { Context, Frame } from 'nunjucks/src/runtime';
import { TemplateRenderError } from './errors';
import { pythonMethod } from './python-methods';
import { nestedCall } from './render-budget';

const hasOwn = (obj: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(obj, key);

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

export function safeMemberLookup(obj: unknown, key: unknown, ...slice: unknown[]): unknown {
  if (slice.length === 2) {
    return sliceOf(obj, key, slice[0], slice[1]);
  }
  if (obj === undefined || obj === null) {
    return undefined;
  }
  // Keys may be computed from params or secrets: messages never quote them.
  if (typeof obj === 'function') {
    throw sandboxViolation('attributes of a function');
  }
  let property: string | number = typeof key === 'number' ? key : String(key);
  if (typeof property === 'string' && isForbiddenName(property)) {
    throw sandboxViolation('a member named constructor, prototype or __*');
  }
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

/** Own function properties exist on cycler() and joiner() results; bind them like nunjucks does. */
function bindOwnMethod(obj: unknown, method: (...args: unknown[]) => unknown) {
  if (CODE_CONSTRUCTORS.has(method)) {
    throw sandboxViolation('a code constructor');
  }
  return (...args: unknown[]) => method.apply(obj, args);
}

function sliceOf(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
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

const PYTHON_CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

/** Variables: template-set names, then params, then globals; own properties only. */
function safeContextOrFrameLookup(context: Context, frame: Frame, name: string): unknown {
  const value = frame.lookup(name);
  if (value !== undefined) {
    return value;
  }
  if (hasOwn(context.ctx, name)) {
    return context.ctx[name];
  }
  if (hasOwn(context.env.globals, name)) {
    return context.env.globals[name];
  }
  return hasOwn(PYTHON_CONSTANTS, name) ? PYTHON_CONSTANTS[name] : undefined;
}

function safeCallWrap(fn: unknown, name: string, context: Context, args: unknown[]): unknown {
  if (typeof fn !== 'function') {
    throw new TemplateRenderError(`'${name}' is not callable`);
  }
  if (CODE_CONSTRUCTORS.has(fn)) {
    throw sandboxViolation('a code constructor');
  }
  return nestedCall(() => fn.apply(context, args));
}

/** attribute='a.b.0' as Jinja2's make_attrgetter reads it, through the sandboxed lookup. */
export function safeAttrGetter(attribute: string): (item: unknown) => unknown {
  const parts = String(attribute).split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) => parts.reduce<unknown>((value, part) => safeMemberLookup(value, part), item);
}

let installed = false;

/** Routes nunjucks' runtime lookups (used by every compiled template) through the sandbox. */
export function installSandbox(): void {
  if (installed) {
    return;
  }
  installed = true;
  runtime.memberLookup = safeMemberLookup;
  runtime.contextOrFrameLookup = safeContextOrFrameLookup;
  runtime.callWrap = safeCallWrap;
  // Used by nunjucks' own sort, groupby and sum filters.
  lib.getAttrGetter = safeAttrGetter;
}
