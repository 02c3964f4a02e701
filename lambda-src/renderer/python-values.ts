// How Python (and so Jinja2) turns values into text: str(), repr(), truthiness, equality and
// json.dumps. Params arrive as JSON, so only JSON-like values need care here.

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
  if (typeof value === 'string') {
    return reprString(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pyRepr).join(', ')}]`;
  }
  if (isPlainDict(value)) {
    return `{${Object.keys(value).map((key) => `${reprString(key)}: ${pyRepr(value[key])}`).join(', ')}}`;
  }
  return pyStr(value);
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
  const unit = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  return dumps(value, unit, '');
}

function dumps(value: unknown, unit: string | undefined, current: string): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
    case 'object':
      break;
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
  const inner = unit === undefined ? '' : current + unit;
  const open = unit === undefined ? '' : `\n${inner}`;
  const close = unit === undefined ? '' : `\n${current}`;
  const separator = unit === undefined ? ', ' : `,\n${inner}`;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[${open}${value.map((item) => dumps(item, unit, inner)).join(separator)}${close}]`;
  }
  const dict = value as Record<string, unknown>;
  const keys = Object.keys(dict).sort();
  return keys.length === 0 ? '{}'
    : `{${open}${keys.map((key) => `${jsonString(key)}: ${dumps(dict[key], unit, inner)}`).join(separator)}${close}}`;
}

const JSON_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const NEEDS_JSON_ESCAPE = /[^\x20-\x7e]|["\\]/;

/** ensure_ascii: everything outside printable ASCII becomes \uXXXX (UTF-16 units, like Python). */
function jsonString(value: string): string {
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

/** A dict: a plain object (JSON object, dict literal), not an array, function or class instance. */
export function isPlainDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
