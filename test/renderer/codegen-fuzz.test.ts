// No template text may become JavaScript. The renderer generates no code from templates (ADR 1);
// this suite keeps that true whatever the engine: every name and literal of a template is
// generated full of quotes, backticks, `${`, backslashes, line breaks (U+2028/2029 included) and
// escape sequences, in every position a compiler would write one, and each render must either
// fail with TemplateRenderError or print exactly what Jinja2 would. The fragment pool holds code
// that would set the canary if it ever ran.
import fc from 'fast-check';
import { renderTemplate } from '../../lambda-src/renderer/render';
import { isForbiddenName } from '../../lambda-src/renderer/sandbox';
import { templateEnvironment } from '../../lambda-src/renderer/template-environment';

const CANARY = 'codegenCanary';
const canary = globalThis as Record<string, unknown>;

const FRAGMENTS = [
  '"', "'", '`', '${', '}', '{', '\\', '\\u0022', '\\x22', '\\n', '\n', '\r', '\t', '\u2028', '\u2029', '\0', ')', '(', ';', '+', '&&',
  '//', '/*', '*/', ',', '.', '[', ']', '|', '=', '-', ' ', 'a', 'Z', '_', '0', 'é', '\u{1F600}',
  `globalThis.${CANARY}=1`, `${CANARY}=1`, 'String`', 'process.env', 'context.ctx', '$', 'return', 'upper', 'x',
];
const text = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
/** Names: mostly hostile, sometimes a plain identifier, so the success path is exercised too. */
const name = fc.oneof(text, fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/));

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** nunjucks' lexer skips these around a name; quotes and inner blanks make it other syntax. */
const bare = (value: string) => value.replace(/^[ \n\t\r\u00a0]+|[ \n\t\r\u00a0]+$/g, '');
const lexesAsOneName = (value: string) => !/[ \n\t\r\u00a0'"]/.test(bare(value)) && bare(value) !== '';
const isBindable = (value: string) => IDENTIFIER.test(bare(value)) && !isForbiddenName(bare(value));
const isFilter = (value: string) => isBindable(value) && bare(value) in templateEnvironment().filters;
const isTest = (value: string) => isBindable(value) && ['none', 'true', 'false', 'defined', 'undefined', 'string', 'number', 'integer', 'float', 'mapping',
  'sequence', 'iterable', 'callable', 'sameas', 'eq', 'equalto', 'ne', 'lt', 'lessthan', 'le', 'gt', 'greaterthan', 'ge', 'in', 'divisibleby',
  'even', 'odd', 'lower', 'upper', 'boolean'].includes(bare(value));
/** Jinja2 reads every line break in the source, string literals included, as \n. */
const newlines = (value: string) => value.replace(/\r\n?/g, '\n');
/** A Jinja2 single-quoted string literal holding exactly `value`. */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const doubleQuoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The exact output; REFUSED: only TemplateRenderError is right; ANY_STRING: rendering is right too. */
type Expectation = string | typeof REFUSED | typeof ANY_STRING;
const REFUSED = Symbol('refused');
const ANY_STRING = Symbol('any string');

/**
 * For a name that lexes as one name: exactly `output` when it is a bindable identifier, refused
 * otherwise. A name with quotes or blanks inside is other syntax: any outcome but code running.
 */
const whenBindable = (n: string, output: string): Expectation => (isBindable(n) ? output : lexesAsOneName(n) ? REFUSED : ANY_STRING);
const whenKnown = (known: boolean, n: string): Expectation => (known ? ANY_STRING : lexesAsOneName(n) ? REFUSED : ANY_STRING);

/** Where a name goes, and what a correct renderer prints (undefined: it must refuse). */
const NAME_POSITIONS: Array<[string, (n: string) => [string, object, Expectation]]> = [
  ['filter', (n) => [`{{ x | ${n} }}`, { x: 1 }, whenKnown(isFilter(n), n)]],
  ['filter with arguments', (n) => [`{{ x | ${n}(1, k=2) }}`, { x: 1 }, whenKnown(isFilter(n), n)]],
  ['test', (n) => [`{{ x is ${n} }}`, { x: 1 }, whenKnown(isTest(n), n)]],
  ['test with argument', (n) => [`{{ x is ${n}(2) }}`, { x: 1 }, whenKnown(isTest(n), n)]],
  ['filter block', (n) => [`{% filter ${n} %}t{% endfilter %}`, {}, whenKnown(isFilter(n), n)]],
  ['call block', (n) => [`{% call ${n}() %}c{% endcall %}`, {}, lexesAsOneName(n) ? REFUSED : ANY_STRING]],
  ['macro name', (n) => [`{% macro ${n}() %}m{% endmacro %}{{ ${n}() }}`, {}, whenBindable(n, 'm')]],
  ['macro argument', (n) => [`{% macro m(${n}) %}{{ ${n} }}{% endmacro %}{{ m(1) }}`, {}, whenBindable(n, '1')]],
  ['macro default argument', (n) => [`{% macro m(${n}=2) %}{{ ${n} }}{% endmacro %}{{ m() }}`, {}, whenBindable(n, '2')]],
  ['set target', (n) => [`{% set ${n} = 1 %}{{ ${n} }}`, {}, whenBindable(n, '1')]],
  ['set block target', (n) => [`{% set ${n} %}b{% endset %}{{ ${n} }}`, {}, whenBindable(n, 'b')]],
  ['for target', (n) => [`{% for ${n} in [1] %}{{ ${n} }}{% endfor %}`, {}, whenBindable(n, '1')]],
  ['for pair target', (n) => [`{% for k, ${n} in [[1, 2]] %}{{ ${n} }}{% endfor %}`, {}, whenBindable(n, '2')]],
  ['keyword argument', (n) => [`{{ dict(${n}=1) | list | first }}`, {}, whenBindable(n, bare(n))]],
  ['attribute', (n) => [`{{ o.${n} }}`, { o: { [bare(n)]: 'v' } }, isBindable(n) ? 'v' : ANY_STRING]],
  // Only a name that starts like one is a variable (undefined here); `0x`, `+0`, `-a` and the
  // constants' names read as other expressions.
  ['variable', (n) => [`{{ ${n} }}`, {}, lexesAsOneName(n) && /^[A-Za-z_]/.test(bare(n)) && !/^(true|false|none|True|False|None)$/.test(bare(n)) ? REFUSED : ANY_STRING]],
  ['block name', (n) => [`{% block ${n} %}b{% endblock %}`, {}, whenBindable(n, 'b')]],
  ['import', (n) => [`{% import ${quoted(n)} as ${n} %}`, {}, REFUSED]],
  ['from import', (n) => [`{% from ${quoted(n)} import ${n} %}`, {}, REFUSED]],
  ['include', (n) => [`{% include ${quoted(n)} %}`, {}, REFUSED]],
  ['extends', (n) => [`{% extends ${quoted(n)} %}`, {}, REFUSED]],
];

/** Keys Jinja2's sandbox (and ours) refuses as members and dict keys. */
const forbiddenKey = (key: string) => isForbiddenName(key);

/** Where a string literal goes; a correct renderer prints the literal's value. */
const LITERAL_POSITIONS: Array<[string, (l: string) => [string, object, Expectation]]> = [
  ['printed', (l) => [`{{ ${quoted(l)} }}`, {}, newlines(l)]],
  ['printed, double quotes', (l) => [`{{ ${doubleQuoted(l)} }}`, {}, newlines(l)]],
  ['subscript key', (l) => [`{{ o[${quoted(l)}] }}`, { o: { [newlines(l)]: 'v' } }, forbiddenKey(newlines(l)) ? REFUSED : 'v']],
  ['list item', (l) => [`{{ [${quoted(l)}] | join }}`, {}, newlines(l)]],
  ['dict key', (l) => [`{{ {${quoted(l)}: 1} | list | first }}`, {}, forbiddenKey(newlines(l)) ? REFUSED : newlines(l)]],
  ['filter argument', (l) => [`{{ x | default(${quoted(l)}) }}`, {}, newlines(l)]],
  ['keyword argument value', (l) => [`{{ dict(k=${quoted(l)}).k }}`, {}, newlines(l)]],
  ['macro argument value', (l) => [`{% macro m(a) %}{{ a }}{% endmacro %}{{ m(${quoted(l)}) }}`, {}, newlines(l)]],
  ['set value', (l) => [`{% set s = ${quoted(l)} %}{{ s }}`, {}, newlines(l)]],
  ['concatenated', (l) => [`{{ ${quoted(l)} ~ '' }}`, {}, newlines(l)]],
  ['test argument', (l) => [`{{ ${quoted(l)} is eq(${quoted(l)}) }}`, {}, 'True']],
  ['raw block', (l) => [`{% raw %}${l.replace(/\r/g, '')}{% endraw %}E`, {}, `${l.replace(/\r/g, '')}E`]],
];

/** Template data: any text without tag openers, printed as written. */
const templateData = text.filter((value) => !/[{}%#]/.test(value) && !value.includes('\r'));

function render(template: string, params: object): string | Error {
  try {
    return renderTemplate(template, params, 'payload');
  } catch (error) {
    return error as Error;
  }
}

beforeAll(() => {
  templateEnvironment();
});

afterEach(() => {
  expect(canary[CANARY]).toBeUndefined();
});

function check(result: string | Error, expected: Expectation): void {
  if (result instanceof Error) {
    // Failing is always safe, as long as it is the named error.
    expect(result.name).toBe('TemplateRenderError');
  } else {
    expect(expected).not.toBe(REFUSED);
    if (typeof expected === 'string') expect(result).toBe(expected);
  }
  expect(canary[CANARY]).toBeUndefined();
}

describe.each(NAME_POSITIONS)('a generated name as %s', (_, build) => {
  test('is refused with TemplateRenderError or renders exactly; nothing runs', () => {
    let exact = 0;
    fc.assert(fc.property(name, (n) => {
      const [template, params, expected] = build(n);
      const result = render(template, params);
      check(result, expected);
      if (typeof expected === 'string' && result === expected) exact++;
    }), { numRuns: 250 });
    // Where plain identifiers are allowed, they must render.
    const [, , expected] = build('abc');
    if (typeof expected === 'string') expect(exact).toBeGreaterThan(0);
  });
});

describe.each(LITERAL_POSITIONS)('a generated string literal %s', (_, build) => {
  test('prints exactly its value; nothing runs', () => {
    fc.assert(fc.property(text, (l) => {
      const [template, params, expected] = build(l);
      const result = render(template, params);
      if (expected === REFUSED) {
        check(result, REFUSED);
      } else {
        expect(result).toBe(expected);
      }
      expect(canary[CANARY]).toBeUndefined();
    }), { numRuns: 250 });
  });
});

test('generated template text prints exactly as written; nothing runs', () => {
  fc.assert(fc.property(templateData, (data) => {
    expect(render(`${data}E`, {})).toBe(`${data}E`);
  }), { numRuns: 500 });
});

test('the payload from the security report fails and does not reach the environment', () => {
  const payload = '{{ x | a"&&String` }}${context.ctx.k=process.env.AWS_SECRET_ACCESS_KEY}{{ y | `&&"upper }}{{ k }}';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI-canary';
  try {
    const result = render(payload, { x: 1, y: 'z' });
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).name).toBe('TemplateRenderError');
    expect((result as Error).message).not.toContain('wJalrXUtnFEMI');
  } finally {
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
});

test('regular expression literals (a catastrophic-backtracking vector) are refused', () => {
  for (const template of ['{{ r/(a+)+$/ }}', "{{ 'aaaa' | replace(r/(a+)+$/, 'b') }}", '{% set r = r/x/g %}']) {
    expect(render(template, {})).toMatchObject({ name: 'TemplateRenderError', message: expect.stringMatching(/regular expression literals are not supported|unexpected/) });
  }
});
