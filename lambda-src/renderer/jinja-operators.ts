// Jinja2's expression semantics, called by the compiled templates (see jinja-compiler.ts):
// strict undefined, Python truthiness, `~`, `+`, `*` and comparisons without JS coercion.
import { TemplateRenderError } from './errors';
import { isPlainDict, pyEquals, pyStr, truthy } from './python-values';

/** StrictUndefined: using a missing variable or attribute anywhere is an error. */
export function defined<T>(value: T, name: string): T {
  if (value === undefined) {
    throw new TemplateRenderError(`'${name}' is undefined`);
  }
  return value;
}

export function or(left: unknown, right: () => unknown): unknown {
  return truthy(left) ? left : right();
}

export function and(left: unknown, right: () => unknown): unknown {
  return truthy(left) ? right() : left;
}

export function concat(left: unknown, right: unknown): string {
  return pyStr(left) + pyStr(right);
}

export function add(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') {
    return left + right;
  }
  if (typeof left === 'string' && typeof right === 'string') {
    return left + right;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    return [...left, ...right];
  }
  if (isNumeric(left) && isNumeric(right)) {
    return Number(left) + Number(right);
  }
  throw unsupported('+', left, right);
}

export function mul(left: unknown, right: unknown): unknown {
  if (isNumeric(left) && isNumeric(right)) {
    return Number(left) * Number(right);
  }
  const [sequence, times] = isNumeric(left) ? [right, left] : [left, right];
  if (Number.isInteger(times) && (typeof sequence === 'string' || Array.isArray(sequence))) {
    const count = Math.max(0, Number(times));
    if (sequence.length * count > 1_000_000) {
      throw new TemplateRenderError("'*' would build a value over 1000000 items");
    }
    return typeof sequence === 'string' ? sequence.repeat(count) : new Array(count).fill(sequence).flat();
  }
  throw unsupported('*', left, right);
}

const ORDERING: Record<string, (left: never, right: never) => boolean> = {
  '<': (left, right) => left < right,
  '>': (left, right) => left > right,
  '<=': (left, right) => left <= right,
  '>=': (left, right) => left >= right,
};

export function compare(left: unknown, op: string, right: unknown): boolean {
  if (op === '==' || op === '===') {
    return pyEquals(left, right);
  }
  if (op === '!=' || op === '!==') {
    return !pyEquals(left, right);
  }
  const comparable = (isNumeric(left) && isNumeric(right)) || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) {
    throw unsupported(op, left, right);
  }
  return ORDERING[op](left as never, right as never);
}

/** What `for` iterates: dicts give their keys (or [key, value] pairs for two loop variables). */
export function iterate(value: unknown, names: number): unknown {
  if (typeof value === 'string' || Array.isArray(value)) {
    return value;
  }
  if (isPlainDict(value)) {
    return names > 1 ? Object.entries(value) : Object.keys(value);
  }
  throw new TemplateRenderError(`'${typeName(value)}' object is not iterable`);
}

function isNumeric(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

function unsupported(op: string, left: unknown, right: unknown): TemplateRenderError {
  return new TemplateRenderError(`'${op}' is not supported between '${typeName(left)}' and '${typeName(right)}'`);
}

/** Python type names, for messages that must not show the values themselves. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'function') return 'function';
  return 'dict';
}
