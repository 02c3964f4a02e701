// How Python (and so Jinja2) turns values into text: str(), repr(), truthiness, equality and
// json.dumps. Params arrive as JSON, so only JSON-like values need care here. Lists and dicts
// print into a bounded text: a small template could otherwise print a list of a million long
// strings (`['x' * 10**6] * 10**6`).
import { limitExceeded, renderLimits } from './render-budget';

/** Pieces of text whose total length is checked as they are added, before they are joined. */
class BoundedText {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly max = renderLimits().maxStringLength;

  constructor(private readonly what: string) {}

  /** Refuses now if `length` more characters would not fit. */
  reserve(length: number): void {
    if (this.length + length > this.max) {
      throw limitExceeded('maxStringLength', this.what);
    }
  }

  add(part: string): void {
    this.reserve(part.length);
    this.length += part.length;
    this.parts.push(part);
  }

  text(): string {
    return this.parts.join('');
  }
}

export const hasOwn = (obj: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** Lists that are Python tuples (`(1, 2)`, `dict.items()` pairs): they print as `(1, 2)`. */
const TUPLES = new WeakSet<unknown[]>();

export function tuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && TUPLES.has(value);
}

/** Python's truth value: empty list, dict and string, 0, None and False are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (isPlainDict(value)) {
    return Object.keys(value).length > 0;
  }
  return Boolean(value) && !Number.isNaN(value);
}

/** str(value): what `{{ value }}` and `~` print. */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return pyNumber(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return 'None';
    case 'function':
      return '<function>';
    default:
      if (value === null) {
        return 'None';
      }
      if (Array.isArray(value) || isPlainDict(value)) {
        return pyRepr(value);
      }
      return String(value);
  }
}

/** repr(value): how values print inside a list or dict. */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value) || isPlainDict(value)) {
    const out = new BoundedText('a printed list or dict is too long');
    reprInto(value, out);
    return out.text();
  }
  return typeof value === 'string' ? reprString(value) : pyStr(value);
}

function reprInto(value: unknown, out: BoundedText): void {
  if (Array.isArray(value)) {
    const isTupleValue = TUPLES.has(value);
    out.add(isTupleValue ? '(' : '[');
    value.forEach((item, index) => {
      if (index > 0) out.add(', ');
      reprInto(item, out);
    });
    out.add(isTupleValue ? (value.length === 1 ? ',)' : ')') : ']');
  } else if (isPlainDict(value)) {
    out.add('{');
    Object.keys(value).forEach((key, index) => {
      out.add(`${index > 0 ? ', ' : ''}${reprString(key)}: `);
      reprInto(value[key], out);
    });
    out.add('}');
  } else if (typeof value === 'string') {
    out.reserve(value.length + 2); // before the copy is made
    out.add(reprString(value));
  } else {
    out.add(pyStr(value));
  }
}

function pyNumber(value: number): string {
  if (Number.isNaN(value)) {
    return 'nan';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'inf' : '-inf';
  }
  const text = String(value);
  // Python prints exponents with at least two digits (1e-07).
  return text.includes('e') ? text.replace(/e([+-])(\d)$/, 'e$10$2') : text;
}

// One regular-expression pass each, not a character loop: appending a million characters one
// by one builds a million-node rope, tens of megabytes for one long string.
const REPR_ESCAPE_SINGLE = /['\\\x00-\x1f\x7f-\x9f]/g;
const REPR_ESCAPE_DOUBLE = /["\\\x00-\x1f\x7f-\x9f]/g;
const REPR_NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(quote === "'" ? REPR_ESCAPE_SINGLE : REPR_ESCAPE_DOUBLE, (char) => {
    if (char === quote || char === '\\') return `\\${char}`;
    return REPR_NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return quote + escaped + quote;
}

/** Python ==: by value for lists and dicts, no coercion between strings and numbers. */
export function pyEquals(left: unknown, right: unknown): boolean {
  if (left === right) {
    return true;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => pyEquals(item, right[index]));
  }
  if (isPlainDict(left) && isPlainDict(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length
      && keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && pyEquals(left[key], right[key]));
  }
  // Python: True == 1 and False == 0.
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    return Number(left) === Number(right) && typeof left !== 'string' && typeof right !== 'string';
  }
  return false;
}

/** json.dumps(value, sort_keys=True) as Jinja2's `tojson` calls it, before HTML-safe escaping. */
export function pyJsonDumps(value: unknown, indent?: number | string): string {
  if (typeof indent === 'number' && !(indent <= renderLimits().maxStringLength)) {
    throw limitExceeded('maxStringLength', 'tojson indent is too wide');
  }
  if (typeof value === 'string' && value.length < 4096) return pyJsonString(value); // the common case, without a buffer
  const unit = typeof indent === 'number' ? ' '.repeat(Math.max(0, indent)) : indent;
  const out = new BoundedText('the JSON text is too long');
  dumps(value, unit, '', out);
  return out.text();
}

function dumps(value: unknown, unit: string | undefined, current: string, out: BoundedText): void {
  if (value === null || value === undefined) {
    out.add('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.reserve(value.length + 2); // before the escaped copy is made
      out.add(pyJsonString(value));
      return;
    case 'boolean':
      out.add(value ? 'true' : 'false');
      return;
    case 'number':
      out.add(Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
  const inner = unit === undefined ? '' : current + unit;
  const open = unit === undefined ? '' : `\n${inner}`;
  const close = unit === undefined ? '' : `\n${current}`;
  const separator = unit === undefined ? ', ' : `,\n${inner}`;
  const array = Array.isArray(value);
  const keys = array ? undefined : Object.keys(value).sort();
  const count = array ? (value as unknown[]).length : keys!.length;
  if (count === 0) {
    out.add(array ? '[]' : '{}');
    return;
  }
  out.add(array ? `[${open}` : `{${open}`);
  for (let index = 0; index < count; index++) {
    if (index > 0) out.add(separator);
    if (array) {
      dumps((value as unknown[])[index], unit, inner, out);
    } else {
      out.add(`${pyJsonString(keys![index])}: `);
      dumps((value as Record<string, unknown>)[keys![index]], unit, inner, out);
    }
  }
  out.add(array ? `${close}]` : `${close}}`);
}

const JSON_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const NEEDS_JSON_ESCAPE = /[^\x20-\x7e]|["\\]/;
/** What ensure_ascii escapes: quotes, backslashes, controls and everything past ASCII but DEL (kept as is, as Python does). */
const JSON_ESCAPE_ALL = /["\\\x00-\x1f\x80-\uffff]/g;

/** ensure_ascii: everything outside printable ASCII becomes \uXXXX (UTF-16 units, like Python). */
export function pyJsonString(value: string): string {
  if (!NEEDS_JSON_ESCAPE.test(value)) {
    return `"${value}"`;
  }
  return `"${value.replace(JSON_ESCAPE_ALL, (char) => JSON_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Python's quote() (or quote_plus() for query values): UTF-8 bytes, unreserved characters kept, the rest %XX. */
export function pyQuote(value: unknown, forQuery: boolean): string {
  // encodeURIComponent also keeps !'()*, which Python quotes; lone surrogates become U+FFFD as in UTF-8.
  const quoted = encodeURIComponent(pyStr(value).replace(LONE_SURROGATE, '\ufffd'))
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return forQuery ? quoted.replace(/%20/g, '+') : quoted.replace(/%2F/g, '/');
}

/** A dict: a plain object (JSON object, dict literal), not an array, function or class instance. */
export function isPlainDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
