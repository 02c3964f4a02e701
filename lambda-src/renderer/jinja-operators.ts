// Jinja2's expression semantics, used by the evaluator (jinja-evaluator.ts):
// strict undefined, Python truthiness, `~`, `+`, `*` and comparisons without JS coercion.
import { TemplateRenderError } from './errors';
import { isPlainDict, pyEquals, pyStr, truthy } from './python-values';
import { reserve } from './render-budget';

/** StrictUndefined: using a missing variable or attribute anywhere is an error. */
export function defined<T>(value: T, name: string, line?: number, column?: number, params?: object): T {
  if (value === undefined) {
    const where = line === undefined ? '' : ` (line ${line}, column ${column})`;
    const closest = params === undefined ? undefined : closestName(name, Object.keys(params));
    throw new TemplateRenderError(`'${name}' is undefined${where}${closest === undefined ? '' : `; did you mean '${closest}'?`}`);
  }
  return value;
}

/** The name at the smallest edit distance, when it is close enough to be a likely typo. */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of names) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with a transposition counted as one edit (`lables` → `labels`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

export function or(left: unknown, right: () => unknown): unknown {
  return truthy(left) ? left : right();
}

export function and(left: unknown, right: () => unknown): unknown {
  return truthy(left) ? right() : left;
}

export function concat(left: unknown, right: unknown): string {
  const text = pyStr(left);
  const more = pyStr(right);
  reserve(text.length + more.length, 'string', "'~' would build a string too long");
  return text + more;
}

export function add(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') {
    return left + right;
  }
  if (typeof left === 'string' && typeof right === 'string') {
    reserve(left.length + right.length, 'string', "'+' would build a string too long");
    return left + right;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    reserve(left.length + right.length, 'list', "'+' would build a list too long");
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
    const isString = typeof sequence === 'string';
    reserve(sequence.length * count, isString ? 'string' : 'list', `'*' would build a ${isString ? 'string' : 'list'} too long`);
    return typeof sequence === 'string' ? sequence.repeat(count) : new Array(count).fill(sequence).flat();
  }
  throw unsupported('*', left, right);
}

/** A number operand (bools count, as in Python); anything else is a TypeError-like refusal. */
export function number(value: unknown, op: string): number {
  if (typeof value === 'number' || typeof value === 'boolean') return Number(value);
  throw new TemplateRenderError(`bad operand type for ${op}: '${typeName(value)}'`);
}

function numbers(op: string, left: unknown, right: unknown): [number, number] {
  if (!isNumeric(left) || !isNumeric(right)) throw unsupported(op, left, right);
  return [Number(left), Number(right)];
}

function divisor(value: number): number {
  if (value === 0) throw new TemplateRenderError('division by zero');
  return value;
}

export function subtract(left: unknown, right: unknown): number {
  const [a, b] = numbers('-', left, right);
  return a - b;
}

export function divide(left: unknown, right: unknown): number {
  const [a, b] = numbers('/', left, right);
  return a / divisor(b);
}

export function floorDivide(left: unknown, right: unknown): number {
  const [a, b] = numbers('//', left, right);
  return Math.floor(a / divisor(b));
}

/** Python's %: the result takes the divisor's sign. */
export function modulo(left: unknown, right: unknown): number {
  const [a, b] = numbers('%', left, right);
  const rest = a % divisor(b);
  return rest !== 0 && (rest < 0) !== (b < 0) ? rest + b : rest;
}

export function power(left: unknown, right: unknown): number {
  const [a, b] = numbers('**', left, right);
  return a ** b;
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
