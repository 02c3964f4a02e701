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

  add(part: string): void {
    this.length += part.length;
    if (this.length > this.max) {
      throw limitExceeded('maxStringLength', this.what);
    }
    this.parts.push(part);
  }

  text(): string {
    return this.parts.join('');
  }
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
    out.add('[');
    value.forEach((item, index) => {
      if (index > 0) out.add(', ');
      reprInto(item, out);
    });
    out.add(']');
  } else if (isPlainDict(value)) {
    out.add('{');
    Object.keys(value).forEach((key, index) => {
      out.add(`${index > 0 ? ', ' : ''}${reprString(key)}: `);
      reprInto(value[key], out);
    });
    out.add('}');
  } else {
    out.add(typeof value === 'string' ? reprString(value) : pyStr(value));
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

function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') {
      out += `\\${char}`;
    } else if (char === '\n') {
      out += '\\n';
    } else if (char === '\r') {
      out += '\\r';
    } else if (char === '\t') {
      out += '\\t';
    } else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out + quote;
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

/** ensure_ascii: everything outside printable ASCII becomes \uXXXX (UTF-16 units, like Python). */
export function pyJsonString(value: string): string {
  if (!NEEDS_JSON_ESCAPE.test(value)) {
    return `"${value}"`;
  }
  let out = '"';
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    const code = value.charCodeAt(index);
    if (JSON_ESCAPES[char] !== undefined) {
      out += JSON_ESCAPES[char];
    } else if (code < 0x20 || code > 0x7e) {
      out += code === 0x7f ? char : `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += char;
    }
  }
  return out + '"';
}

/** Python's quote() (or quote_plus() for query values): UTF-8 bytes, unreserved characters kept, the rest %XX. */
export function pyQuote(value: unknown, forQuery: boolean): string {
  let quoted = '';
  for (const byte of Buffer.from(pyStr(value), 'utf8')) {
    const char = String.fromCharCode(byte);
    quoted += /[A-Za-z0-9_.~-]/.test(char) || (!forQuery && char === '/') ? char
      : forQuery && char === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return quoted;
}

/** A dict: a plain object (JSON object, dict literal), not an array, function or class instance. */
export function isPlainDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
