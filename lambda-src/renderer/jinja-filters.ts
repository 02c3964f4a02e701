// Jinja2 filters that nunjucks lacks or implements differently. Each takes Jinja2's
// signature, keyword arguments included (`map(attribute='id')`, `tojson(indent=2)`).
import runtime from 'nunjucks/src/runtime';
import { TemplateRenderError } from './errors';
import { typeName } from './jinja-operators';
import { isPlainDict, pyJsonDumps, pyQuote, pyRepr, pyStr, truthy, tuple } from './python-values';
import { reserve } from './render-budget';
import { safeAttrGetter, safeMemberLookup } from './sandbox';

/** What nunjucks binds `this` to when it calls a filter. */
export interface FilterContext {
  readonly env: {
    /** Read by nunjucks' own filters. */
    readonly opts: { readonly autoescape: boolean; readonly throwOnUndefined: boolean };
    getFilter(name: string): (this: FilterContext, ...args: unknown[]) => unknown;
    getTest(name: string): (this: FilterContext, ...args: unknown[]) => boolean;
  };
}
/** nunjucks passes keyword arguments as a last object marked `__keywords`. */
function isKeywordArgs(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__keywords');
}

type Filter = (this: FilterContext, ...args: unknown[]) => unknown;
type Arguments = Record<string, unknown> & { varargs: unknown[] };

const NO_VARARGS: unknown[] = [];

/** Jinja2-style signature: positional parameters, defaults, keyword arguments, *args. */
function filter(params: string[], defaults: Record<string, unknown>, body: (this: FilterContext, args: Arguments) => unknown): Filter {
  const defaultNames = Object.keys(defaults);
  return function (this: FilterContext, ...raw: unknown[]) {
    const keywords = raw.length > 0 && isKeywordArgs(raw[raw.length - 1]) ? (raw.pop() as Record<string, unknown>) : undefined;
    const args = { varargs: raw.length > params.length ? raw.slice(params.length) : NO_VARARGS } as Arguments;
    for (const name of defaultNames) args[name] = defaults[name];
    for (let index = 0; index < params.length && index < raw.length; index++) args[params[index]] = raw[index];
    if (keywords !== undefined) {
      for (const name of Object.keys(keywords)) {
        if (name !== '__keywords') args[name] = keywords[name];
      }
    }
    return body.call(this, args);
  };
}

function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainDict(value)) return Object.keys(value);
  if (value === null || value === undefined) return [];
  throw new TemplateRenderError(`'${typeName(value)}' object is not iterable`);
}

function attributeOrSelf(attribute: unknown): (item: unknown) => unknown {
  return attribute === undefined || attribute === null ? (item) => item : safeAttrGetter(String(attribute));
}

/**
 * Filters and tests named by an argument (`map('upper')`, `select('odd')`). The name may come
 * from params, so a miss is reported without it.
 */
function namedFilter(context: FilterContext, name: unknown, user: string) {
  try {
    return context.env.getFilter(String(name));
  } catch {
    throw new TemplateRenderError(`${user}: no filter of the given name`);
  }
}

function namedTest(context: FilterContext, name: unknown, user: string) {
  try {
    return context.env.getTest(String(name));
  } catch {
    throw new TemplateRenderError(`${user}: no test of the given name`);
  }
}

/** select/reject/selectattr/rejectattr: keep the items whose test result is `keep`. */
function selectBy(keep: boolean, byAttribute: boolean): Filter {
  const params = byAttribute ? ['value', 'attribute', 'test'] : ['value', 'test'];
  return filter(params, {}, function ({ value, attribute, test, varargs }) {
    const get = attributeOrSelf(byAttribute ? attribute : undefined);
    const named = test === undefined ? undefined : namedTest(this, test, byAttribute ? 'selectattr' : 'select');
    const check = named === undefined ? (item: unknown) => truthy(item) : (item: unknown) => named.call(this, item, ...varargs) === true;
    return items(value).filter((item) => check(get(item)) === keep);
  });
}

/** Jinja2's `title`: capitalize each piece after spaces, dashes and opening brackets. */
function title(value: unknown): string {
  return pyStr(value).split(/([-\s({[<]+)/).filter((piece) => piece !== '')
    .map((piece) => piece.charAt(0).toUpperCase() + piece.slice(1).toLowerCase()).join('');
}

/** Python's round(): half to even, as Jinja2's round(method='common') calls it. */
function roundHalfEven(value: number, precision: number): number {
  const factor = 10 ** precision;
  const scaled = Number((value * factor).toPrecision(15));
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  return rounded / factor;
}

/** Python %-formatting, the common conversions: %s %r %d %i %f %x %%, with flags and precision. */
export function percentFormat(format: string, values: unknown[]): string {
  let next = 0;
  const text = format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sridfFxXe%])/g, (_, flags: string, width: string, precision: string | undefined, kind: string) => {
    if (kind === '%') return '%';
    if (next >= values.length) throw new TemplateRenderError('format: not enough arguments for format string');
    const value = values[next++];
    let out: string;
    switch (kind) {
      case 's': out = pyStr(value); break;
      case 'r': out = pyRepr(value); break;
      case 'd': case 'i': out = String(Math.trunc(Number(value))); break;
      case 'x': out = Math.trunc(Number(value)).toString(16); break;
      case 'X': out = Math.trunc(Number(value)).toString(16).toUpperCase(); break;
      case 'e': out = Number(value).toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2'); break;
      default: out = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
    }
    if (flags.includes('+') && /^[0-9]/.test(out) && 'difFe'.includes(kind)) out = `+${out}`;
    const pad = Number(width || 0);
    reserve(pad, 'string', 'format: a field width is too wide');
    return flags.includes('-') ? out.padEnd(pad) : out.padStart(pad, flags.includes('0') && kind !== 's' ? '0' : ' ');
  });
  if (next < values.length) throw new TemplateRenderError('format: not all arguments converted during string formatting');
  return text;
}

/** Jinja2's int(): an integer string in `base`, else a float string truncated, else the default. */
function toInt(value: unknown, fallback: unknown, base: number): unknown {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'boolean') return Number(value);
  if (typeof value !== 'string') return fallback;
  const text = value.trim().replace(/_/g, '');
  const digits = base === 16 ? /^[-+]?(0x)?[0-9a-f]+$/i : base === 8 ? /^[-+]?(0o)?[0-7]+$/i : base === 2 ? /^[-+]?(0b)?[01]+$/i : /^[-+]?\d+$/;
  if (digits.test(text)) return parseInt(text.replace(/^([-+]?)0[xob]/i, '$1'), base);
  const number = text === '' ? NaN : Number(text);
  return Number.isFinite(number) ? Math.trunc(number) : fallback;
}

/** Linear: a set of keys (a list scan per item would let 300 000 items run for minutes). */
function uniqueBy(values: unknown[], key: (item: unknown) => unknown): unknown[] {
  const seen = new Set<unknown>();
  return values.filter((item) => {
    const id = key(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Jinja2's groupby: sorted by the attribute, one (grouper, list) per key. Each group is a
 * two-item list (so `for key, items in ...` unpacks it) with `grouper` and `list` members.
 */
function groupBy(value: unknown, attribute: unknown, fallback: unknown, caseSensitive: unknown): unknown[] {
  const get = safeAttrGetter(String(attribute));
  const real = (item: unknown) => {
    const key = get(item);
    return key === undefined ? fallback : key;
  };
  const key = caseSensitive ? real : (item: unknown) => {
    const found = real(item);
    return typeof found === 'string' ? found.toLowerCase() : found;
  };
  const sorted = [...items(value)].sort((a, b) => order(key(a), key(b)));
  const groups: Array<unknown[] & { grouper: unknown; list: unknown[] }> = [];
  for (const item of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && key(last.list[0]) === key(item)) {
      last.list.push(item);
    } else {
      const list = [item];
      groups.push(Object.assign(tuple([real(item), list]), { grouper: real(item), list }));
    }
  }
  return groups;
}

function order(a: unknown, b: unknown): number {
  if (a === undefined || a === null || b === undefined || b === null) {
    if (a === b) return 0;
    throw new TemplateRenderError("'<' is not supported between 'NoneType' and another value");
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Jinja2's striptags (comments, then tags, then whitespace collapsed), in one linear scan: the
 * regular expressions usual for this take quadratic time on `'<!--' * 200000`.
 */
function stripTags(text: string): string {
  const kept: string[] = [];
  let index = 0;
  let commentsClosed = true; // false once a `<!--` is never closed: no later one is either
  while (index < text.length) {
    const open = text.indexOf('<', index);
    if (open === -1) break;
    kept.push(text.slice(index, open));
    if (commentsClosed && text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end !== -1) {
        index = end + 3;
        continue;
      }
      commentsClosed = false;
    }
    const close = text.indexOf('>', open + 1);
    if (close === -1) {
      kept.push(text.slice(open));
      index = text.length;
      break;
    }
    index = close + 1;
  }
  kept.push(text.slice(index));
  return unescapeEntities(kept.join('').split(/\s+/).filter((word) => word !== '').join(' '));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function unescapeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{1,8});/g, (entity: string, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name] ?? entity;
  });
}

function sortKey(caseSensitive: unknown, attribute: unknown): (item: unknown) => unknown {
  const get = attributeOrSelf(attribute);
  return (item) => {
    const value = get(item);
    return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
  };
}

function extreme(pick: (comparison: number) => boolean): Filter {
  return filter(['value', 'case_sensitive', 'attribute'], { case_sensitive: false }, ({ value, case_sensitive, attribute }) => {
    const key = sortKey(case_sensitive, attribute);
    let best: unknown;
    let bestKey: unknown;
    for (const item of items(value)) {
      const itemKey = key(item); // every item's key, as Python's min/max(key=...) computes them
      if (best === undefined || pick(order(itemKey, bestKey))) {
        best = item;
        bestKey = itemKey;
      }
    }
    return best;
  });
}

export const JINJA_FILTERS: Record<string, Filter> = {
  default: filter(['value', 'default_value', 'boolean'], { default_value: '', boolean: false }, ({ value, default_value, boolean }) =>
    (value === undefined || (boolean && !truthy(value)) ? default_value : value)),
  tojson: filter(['value', 'indent'], { indent: undefined }, ({ value, indent }) =>
    // Jinja2's htmlsafe_json_dumps: safe to embed in HTML and in single-quoted attributes.
    pyJsonDumps(value, indent as number | undefined).replace(/[<>&']/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)),
  urlencode: filter(['value'], {}, ({ value }) => {
    if (typeof value === 'string' || (!Array.isArray(value) && !isPlainDict(value))) {
      return pyQuote(value, false);
    }
    const pairs = Array.isArray(value) ? (value as unknown[][]) : Object.entries(value);
    return pairs.map(([key, item]) => `${pyQuote(key, true)}=${pyQuote(item, true)}`).join('&');
  }),
  string: filter(['value'], {}, ({ value }) => pyStr(value)),
  // Not a Jinja2 built-in (Ansible's name): the UTF-8 text as base64, for Basic credentials.
  b64encode: filter(['value'], {}, ({ value }) => Buffer.from(pyStr(value), 'utf8').toString('base64')),
  pprint: filter(['value'], {}, ({ value }) => pyRepr(value)),
  lower: filter(['value'], {}, ({ value }) => pyStr(value).toLowerCase()),
  upper: filter(['value'], {}, ({ value }) => pyStr(value).toUpperCase()),
  capitalize: filter(['value'], {}, ({ value }) => {
    const text = pyStr(value);
    return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
  }),
  title: filter(['value'], {}, ({ value }) => title(value)),
  trim: filter(['value', 'chars'], { chars: null }, ({ value, chars }) => {
    const text = pyStr(value);
    if (chars === null || chars === undefined) return text.trim();
    const set = String(chars);
    let start = 0;
    let end = text.length;
    while (start < end && set.includes(text[start])) start++;
    while (end > start && set.includes(text[end - 1])) end--;
    return text.slice(start, end);
  }),
  join: filter(['value', 'd', 'attribute'], { d: '' }, ({ value, d, attribute }) => joinBounded(items(value).map(attributeOrSelf(attribute)), pyStr(d))),
  list: filter(['value'], {}, ({ value }) => [...items(value)]),
  items: filter(['value'], {}, ({ value }) => (value === null || value === undefined ? [] : isPlainDict(value) ? Object.entries(value).map((pair) => tuple(pair))
    : (() => { throw new TemplateRenderError(`items: '${typeName(value)}' is not a mapping`); })())),
  length: filter(['value'], {}, ({ value }) => {
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isPlainDict(value)) return Object.keys(value).length;
    throw new TemplateRenderError(`object of type '${typeName(value)}' has no len()`);
  }),
  map: filter(['value'], {}, function ({ value, varargs, attribute, default: fallback }) {
    if (attribute !== undefined) {
      const get = safeAttrGetter(String(attribute));
      return items(value).map((item) => {
        const result = get(item);
        return result === undefined && fallback !== undefined ? fallback : result;
      });
    }
    const [name, ...args] = varargs;
    if (typeof name !== 'string') {
      throw new TemplateRenderError('map: expects a filter name or attribute=');
    }
    const mapped = namedFilter(this, name, 'map');
    return items(value).map((item) => mapped.call(this, item, ...args));
  }),
  select: selectBy(true, false),
  reject: selectBy(false, false),
  selectattr: selectBy(true, true),
  rejectattr: selectBy(false, true),
  attr: filter(['obj', 'name'], {}, ({ obj, name }) => safeMemberLookup(obj, name)),
  // Python's str.center: the odd space goes left when the width is odd.
  center: filter(['value', 'width'], { width: 80 }, ({ value, width }) => {
    const text = pyStr(value);
    const margin = Number(width) - text.length;
    if (!(margin > 0)) return text;
    const left = Math.floor(margin / 2) + (margin % 2 === 1 && Number(width) % 2 === 1 ? 1 : 0);
    return ' '.repeat(left) + text + ' '.repeat(margin - left);
  }),
  indent: filter(['s', 'width', 'first', 'blank'], { width: 4, first: false, blank: false }, ({ s, width, first, blank }) => {
    const indention = typeof width === 'string' ? width : ' '.repeat(Math.max(0, Number(width)));
    const lines = splitLines(`${pyStr(s)}\n`);
    let text = blank ? lines.join(`\n${indention}`)
      : lines[0] + (lines.length > 1 ? `\n${lines.slice(1).map((line) => (line === '' ? line : indention + line)).join('\n')}` : '');
    if (first) text = indention + text;
    return text;
  }),
  escape: filter(['value'], {}, ({ value }) => escapeFilter(value)),
  forceescape: filter(['value'], {}, ({ value }) => runtime.markSafe(escapeHtml(pyStr(value)))),
  filesizeformat: filter(['value', 'binary'], { binary: false }, ({ value, binary }) => fileSize(value, binary)),
  xmlattr: filter(['d', 'autospace'], { autospace: true }, ({ d, autospace }) => {
    if (!isPlainDict(d)) throw new TemplateRenderError('xmlattr: expects a mapping');
    const pairs = Object.keys(d).filter((key) => d[key] !== null && d[key] !== undefined)
      .map((key) => `${escapeHtml(key)}="${escapeHtml(pyStr(d[key]))}"`).join(' ');
    return runtime.markSafe(autospace && pairs ? ` ${pairs}` : pairs);
  }),
  wordwrap: filter(['s', 'width', 'break_long_words', 'wrapstring', 'break_on_hyphens'],
    { width: 79, break_long_words: true, wrapstring: null, break_on_hyphens: true },
    ({ s, width, break_long_words, wrapstring, break_on_hyphens }) => {
      const newline = wrapstring === null || wrapstring === undefined ? '\n' : pyStr(wrapstring);
      const wrap = (line: string) => wrapLine(line, Number(width), truthy(break_long_words), truthy(break_on_hyphens)).join(newline);
      return splitLines(pyStr(s)).map(wrap).join(newline);
    }),
  urlize: filter(['value', 'trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'],
    { trim_url_limit: null, nofollow: false, target: null, rel: null, extra_schemes: null },
    ({ value, trim_url_limit, nofollow, target, rel, extra_schemes }) => {
      const relParts = new Set(pyStr(rel ?? '').split(/\s+/).filter((part) => part !== ''));
      if (nofollow) relParts.add('nofollow');
      relParts.add('noopener'); // Jinja2's default urlize.rel policy
      const schemes = Array.isArray(extra_schemes) ? extra_schemes.map((scheme) => pyStr(scheme)) : [];
      return urlize(pyStr(value), trim_url_limit, [...relParts].sort().join(' '), target, schemes);
    }),
  dictsort: filter(['value', 'case_sensitive', 'by', 'reverse'], { case_sensitive: false, by: 'key', reverse: false }, ({ value, case_sensitive, by, reverse }) => {
    if (!isPlainDict(value)) throw new TemplateRenderError('dictsort: you can only sort by either "key" or "value" of a mapping');
    if (by !== 'key' && by !== 'value') throw new TemplateRenderError('dictsort: you can only sort by either "key" or "value"');
    const position = by === 'key' ? 0 : 1;
    const key = (pair: unknown[]) => {
      const part = pair[position];
      return !case_sensitive && typeof part === 'string' ? part.toLowerCase() : part;
    };
    const pairs = Object.entries(value).map((pair) => tuple(pair));
    pairs.sort((a, b) => order(key(a), key(b)));
    return reverse ? pairs.reverse() : pairs;
  }),
  sort: filter(['value', 'reverse', 'case_sensitive', 'attribute'], { reverse: false, case_sensitive: false }, ({ value, reverse, case_sensitive, attribute }) => {
    // Keys computed once per item (as Python's sorted(key=...)), even for a single item.
    const key = sortKey(case_sensitive, attribute);
    const keyed = items(value).map((item) => [key(item), item] as const);
    keyed.sort((a, b) => order(a[0], b[0]));
    const sorted = keyed.map(([, item]) => item);
    return reverse ? sorted.reverse() : sorted;
  }),
  groupby: filter(['value', 'attribute', 'default', 'case_sensitive'], { default: null, case_sensitive: false }, ({ value, attribute, default: fallback, case_sensitive }) =>
    groupBy(value, attribute, fallback, case_sensitive)),
  striptags: filter(['value'], {}, ({ value }) => stripTags(pyStr(value))),
  // nunjucks' JSON dump, printed through the bounded JSON writer first so its size is known.
  dump: filter(['value', 'spaces'], { spaces: undefined }, ({ value, spaces }) => {
    pyJsonDumps(value, typeof spaces === 'number' ? Math.min(spaces, 10) : undefined);
    return JSON.stringify(value, null, spaces as number | undefined);
  }),
  unique: filter(['value', 'case_sensitive', 'attribute'], { case_sensitive: false }, ({ value, case_sensitive, attribute }) =>
    uniqueBy(items(value), sortKey(case_sensitive, attribute))),
  min: extreme((comparison) => comparison < 0),
  max: extreme((comparison) => comparison > 0),
  sum: filter(['iterable', 'attribute', 'start'], { start: 0 }, ({ iterable, attribute, start }) =>
    items(iterable).map(attributeOrSelf(attribute)).reduce<number>((total, item) => total + Number(item), Number(start))),
  round: filter(['value', 'precision', 'method'], { precision: 0, method: 'common' }, ({ value, precision, method }) => {
    const number = Number(value);
    const factor = 10 ** Number(precision);
    if (method === 'ceil') return Math.ceil(number * factor) / factor;
    if (method === 'floor') return Math.floor(number * factor) / factor;
    if (method !== 'common') throw new TemplateRenderError('round: method must be common, ceil or floor');
    return roundHalfEven(number, Number(precision));
  }),
  int: filter(['value', 'default', 'base'], { default: 0, base: 10 }, ({ value, default: fallback, base }) => toInt(value, fallback, Number(base))),
  float: filter(['value', 'default'], { default: 0 }, ({ value, default: fallback }) => {
    const number = typeof value === 'string' ? (value.trim() === '' ? NaN : Number(value.trim())) : typeof value === 'number' ? value : NaN;
    return Number.isNaN(number) ? fallback : number;
  }),
  truncate: filter(['s', 'length', 'killwords', 'end', 'leeway'], { length: 255, killwords: false, end: '...', leeway: 5 }, ({ s, length, killwords, end, leeway }) => {
    const text = pyStr(s);
    const max = Number(length);
    const suffix = pyStr(end);
    if (text.length <= max + Number(leeway ?? 5)) return text;
    if (killwords) return text.slice(0, max - suffix.length) + suffix;
    const cut = text.slice(0, max - suffix.length);
    const space = cut.lastIndexOf(' ');
    return (space === -1 ? cut : cut.slice(0, space)) + suffix;
  }),
  format: filter(['value'], {}, ({ value, varargs }) => percentFormat(pyStr(value), varargs)),
  replace: filter(['s', 'old', 'new', 'count'], { count: null }, ({ s, old, new: replacement, count }) => {
    const text = pyStr(s);
    const parts = text.split(pyStr(old));
    const limit = count === null || count === undefined ? parts.length : Number(count) + 1;
    reserve(text.length + (Math.min(limit, parts.length) - 1) * Math.max(0, pyStr(replacement).length - pyStr(old).length), 'string', 'replace would build a string too long');
    return parts.slice(0, limit).join(pyStr(replacement)) + (limit < parts.length ? pyStr(old) + parts.slice(limit).join(pyStr(old)) : '');
  }),
};
JINJA_FILTERS.d = JINJA_FILTERS.default;
JINJA_FILTERS.e = JINJA_FILTERS.escape;
JINJA_FILTERS.count = JINJA_FILTERS.length;

/** Python's str.splitlines(): no empty last line for a trailing line break. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** markupsafe's escape (`&#34;`, `&#39;` for quotes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** The escape filter: text already marked safe stays as it is; the result is marked safe. */
function escapeFilter(value: unknown): unknown {
  return value instanceof runtime.SafeString ? value : runtime.markSafe(escapeHtml(value === null || value === undefined ? '' : pyStr(value)));
}

const FILE_SIZE_PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Jinja2's filesizeformat: decimal (kB) or binary (KiB) prefixes, one decimal. */
function fileSize(value: unknown, binary: unknown): string {
  const bytes = Number(value);
  const base = binary ? 1024 : 1000;
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let prefix = '';
  for (let i = 0; i < FILE_SIZE_PREFIXES.length; i++) {
    unit = base ** (i + 2);
    prefix = binary ? `${FILE_SIZE_PREFIXES[i].toUpperCase()}iB` : `${FILE_SIZE_PREFIXES[i]}B`;
    if (bytes < unit) break;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefix}`;
}

/** Python's textwrap.wrap as Jinja2's wordwrap calls it (no tab expansion, whitespace kept). */
function wrapLine(line: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  const blank = (chunk: string) => BLANK.test(chunk);
  const chunks: string[] = [];
  for (const chunk of line.split(/(\s+)/)) {
    if (chunk === '') continue;
    if (breakOnHyphens && chunk.includes('-') && !blank(chunk)) {
      for (const part of chunk.split(/(?<=\w-)(?=\w)/)) chunks.push(part);
    } else {
      chunks.push(chunk);
    }
  }
  const lines: string[] = [];
  let current = '';
  let spaces = 0; // trailing blanks of `current`, dropped at a line's end
  const flush = () => {
    const text = current.slice(0, current.length - spaces);
    if (text !== '') lines.push(text);
    current = '';
    spaces = 0;
  };
  for (let chunk of chunks) {
    const isBlank = blank(chunk);
    if (current === '' && isBlank && lines.length > 0) continue; // no leading blanks on a new line
    while (breakLongWords && !isBlank && chunk.length > width) {
      const room = Math.max(1, width - current.length);
      current += chunk.slice(0, room);
      spaces = 0;
      chunk = chunk.slice(room);
      flush();
    }
    if (current.length + chunk.length > width && current !== '') {
      flush();
      if (isBlank) continue;
    }
    current += chunk;
    spaces = isBlank ? spaces + chunk.length : 0;
  }
  flush();
  return lines;
}

const BLANK = /^\s+$/;

const URL_PATTERN = new RegExp('^((https?://|www\\.)(([\\w%-]+\\.)+)?([a-z]{2,63}|xn--[\\w%]{2,59})|([\\w%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)'
  + '|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}]))(?::[\\d]{1,5})?)(?:[/?#]\\S*)?$', 'i');
const EMAIL_PATTERN = /^\S+@\w[\w.-]*\.\w+$/;

/** Jinja2's urlize: links for URLs and e-mail addresses in (escaped) text, rel="noopener" by default. */
function urlize(text: string, trimLimit: unknown, rel: string, target: unknown, extraSchemes: readonly string[]): string {
  const trim = (url: string) => (typeof trimLimit === 'number' && url.length > trimLimit ? `${url.slice(0, trimLimit)}...` : url);
  const relAttr = rel ? ` rel="${escapeHtml(rel)}"` : '';
  const targetAttr = target ? ` target="${escapeHtml(pyStr(target))}"` : '';
  return escapeHtml(text).split(/(\s+)/).map((word) => {
    let head = '';
    let middle = word;
    let tail = '';
    const lead = /^([(<]|&lt;)+/.exec(middle);
    if (lead) {
      head = lead[0];
      middle = middle.slice(head.length);
    }
    const trailing = /([)>.,\n]|&gt;)+$/.exec(middle);
    if (trailing) {
      tail = trailing[0];
      middle = middle.slice(0, trailing.index);
    }
    for (const [open, close] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']]) {
      const opens = middle.split(open).length - 1;
      if (opens <= middle.split(close).length - 1) continue;
      for (let moved = 0; moved < Math.min(opens, tail.split(close).length - 1); moved++) {
        const end = tail.indexOf(close) + close.length;
        middle += tail.slice(0, end);
        tail = tail.slice(end);
      }
    }
    if (URL_PATTERN.test(middle)) {
      const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
      middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
    } else if (middle.startsWith('mailto:') && EMAIL_PATTERN.test(middle.slice(7))) {
      middle = `<a href="${middle}">${middle.slice(7)}</a>`;
    } else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL_PATTERN.test(middle)) {
      middle = `<a href="mailto:${middle}">${middle}</a>`;
    } else {
      for (const scheme of extraSchemes) {
        if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
      }
    }
    return head + middle + tail;
  }).join('');
}

/** `items.join(separator)` with the result's length checked before it is built. */
export function joinBounded(values: readonly unknown[], separator: string): string {
  const texts = values.map((item) => pyStr(item));
  reserve(texts.reduce((total, text) => total + text.length, 0) + Math.max(0, texts.length - 1) * separator.length, 'string', 'join would build a string too long');
  return texts.join(separator);
}

/**
 * Arguments that size what a filter builds (padding widths, slice and batch counts), checked
 * before the filter runs: `'x' | center(10**9)` must fail before it allocates a gigabyte.
 */
const SIZE_ARGUMENTS: Record<string, { readonly index: number; readonly keyword: string; readonly kind: 'string' | 'list' }> = {
  center: { index: 1, keyword: 'width', kind: 'string' },
  indent: { index: 1, keyword: 'width', kind: 'string' },
  batch: { index: 1, keyword: 'linecount', kind: 'list' },
  slice: { index: 1, keyword: 'slices', kind: 'list' },
  wordwrap: { index: 1, keyword: 'width', kind: 'string' },
};

export function hasSizeArguments(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(SIZE_ARGUMENTS, name);
}

/** Refuses a filter call whose size argument (times the lines it applies to) is too large. */
export function checkSizeArguments(name: string, args: readonly unknown[]): void {
  const rule = SIZE_ARGUMENTS[name];
  if (rule === undefined) return;
  const last = args[args.length - 1];
  const size = isKeywordArgs(last) && last[rule.keyword] !== undefined ? last[rule.keyword] : args[rule.index];
  if (typeof size !== 'number') return;
  // indent pads every line: its result is as long as the width times the lines.
  const lines = name === 'indent' && typeof args[0] === 'string' ? args[0].split('\n').length : 1;
  reserve(Math.max(0, size) * lines, rule.kind, `${name}: the ${rule.keyword} is too large`);
}

/** `dict(a=1)`, as Jinja2's global. */
export function dictGlobal(...args: unknown[]): Record<string, unknown> {
  const keywords = args.find((arg) => isKeywordArgs(arg)) as Record<string, unknown> | undefined;
  const { __keywords: _, ...entries } = keywords ?? {};
  return entries;
}
