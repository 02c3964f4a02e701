// The Python methods Jinja2 templates call on strings, lists and dicts (`name.upper()`,
// `d.items()`, `xs.append(x)`). Only these, no JavaScript prototype methods, are reachable.
import { isPlainDict, pyStr, tuple } from './python-values';
import { charged, reserve } from './render-budget';

type Method = (self: never, ...args: never[]) => unknown;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const STRING_METHODS: Record<string, (self: string, ...args: never[]) => unknown> = {
  upper: (self) => self.toUpperCase(),
  lower: (self) => self.toLowerCase(),
  strip: (self, chars?: string) => stripChars(self, chars, true, true),
  lstrip: (self, chars?: string) => stripChars(self, chars, true, false),
  rstrip: (self, chars?: string) => stripChars(self, chars, false, true),
  split: (self, separator?: string | null, maxSplit?: number) => split(self, separator, maxSplit),
  startswith: (self, prefix: string) => self.startsWith(prefix),
  endswith: (self, suffix: string) => self.endsWith(suffix),
  replace: (self, old: string, replacement: string, count?: number) => replaceCount(self, old, replacement, count),
  capitalize: (self) => self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(),
  title: (self) => self.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase()),
  join: (self, items: unknown[]) => {
    const texts = Array.from(items, (item) => pyStr(item));
    reserve(texts.reduce((total, text) => total + text.length, 0) + Math.max(0, texts.length - 1) * self.length, 'string', 'join() would build a string too long');
    return texts.join(self);
  },
  find: (self, sub: string) => self.indexOf(sub),
  count: (self, sub: string) => (sub === '' ? self.length + 1 : self.split(sub).length - 1),
  isdigit: (self) => /^[0-9]+$/.test(self),
  isalpha: (self) => /^[A-Za-z]+$/.test(self),
  zfill: (self, width: number) => {
    reserve(Number(width), 'string', 'zfill() width is too large');
    return self.startsWith('-') ? `-${self.slice(1).padStart(width - 1, '0')}` : self.padStart(width, '0');
  },
  splitlines: (self) => self.split(/\r\n|\r|\n/).filter((line, index, lines) => index < lines.length - 1 || line !== ''),
};

const LIST_METHODS: Record<string, (self: unknown[], ...args: never[]) => unknown> = {
  append: (self, item: unknown) => {
    reserve(self.length + 1, 'list', 'append() would build a list too long');
    self.push(item);
    return null;
  },
  extend: (self, items: unknown[]) => {
    const added = Array.from(items); // a copy first: `l.extend(l)` must not grow what it iterates
    reserve(self.length + added.length, 'list', 'extend() would build a list too long');
    for (const item of added) self.push(item);
    return null;
  },
  pop: (self, index?: number) => (index === undefined ? self.pop() : self.splice(index < 0 ? self.length + index : index, 1)[0]),
  index: (self, item: unknown) => self.indexOf(item),
  count: (self, item: unknown) => self.filter((candidate) => candidate === item).length,
};

const DICT_METHODS: Record<string, (self: Record<string, unknown>, ...args: never[]) => unknown> = {
  items: (self) => Object.keys(self).map((key) => tuple([key, self[key]])),
  keys: (self) => Object.keys(self),
  values: (self) => Object.values(self),
  get: (self, key: string, fallback: unknown = null) => (Object.prototype.hasOwnProperty.call(self, key) ? self[key] : fallback),
  update: (self, other: Record<string, unknown>) => {
    for (const key of Object.keys(other ?? {})) {
      if (!FORBIDDEN_KEYS.has(key)) {
        self[key] = other[key];
      }
    }
    return null;
  },
  copy: (self) => ({ ...self }),
};

/** The Python method `name` bound to `self`, or undefined when the type has none of that name. */
export function pythonMethod(self: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table: Record<string, Method> | undefined = typeof self === 'string' ? STRING_METHODS
    : Array.isArray(self) ? LIST_METHODS
      : isPlainDict(self) ? DICT_METHODS : undefined;
  if (table === undefined || !Object.prototype.hasOwnProperty.call(table, name)) {
    return undefined;
  }
  const method = table[name] as (self: unknown, ...args: unknown[]) => unknown;
  return (...args: unknown[]) => charged(method(self, ...args), `${name}() built a value too large`);
}

function stripChars(value: string, chars: string | undefined, left: boolean, right: boolean): string {
  const strip = (char: string) => (chars === undefined || chars === null ? /\s/.test(char) : chars.includes(char));
  let start = 0;
  let end = value.length;
  while (left && start < end && strip(value[start])) start++;
  while (right && end > start && strip(value[end - 1])) end--;
  return value.slice(start, end);
}

function split(value: string, separator: string | null | undefined, maxSplit = -1): string[] {
  if (separator === undefined || separator === null) {
    const words = value.trim().split(/\s+/).filter((word) => word !== '');
    return maxSplit < 0 || words.length <= maxSplit ? words : [...words.slice(0, maxSplit), value.trim().split(/\s+/).slice(maxSplit).join(' ')];
  }
  const parts = value.split(separator);
  return maxSplit < 0 || parts.length <= maxSplit + 1 ? parts : [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(separator)];
}

function replaceCount(value: string, old: string, replacement: string, count = -1): string {
  const parts = value.split(old);
  const replaced = count < 0 ? parts.length - 1 : Math.min(count, parts.length - 1);
  reserve(value.length + replaced * Math.max(0, String(replacement).length - String(old).length), 'string', 'replace() would build a string too long');
  if (count < 0 || parts.length - 1 <= count) {
    return parts.join(replacement);
  }
  return parts.slice(0, count + 1).join(replacement) + old + parts.slice(count + 1).join(old);
}
