// Template code must never reach the JavaScript runtime: every escape is a TemplateRenderError
// and nothing runs. Each payload would set globalThis.pwned (or read process) if it got through.
import { renderTemplate } from '../../lambda-src/renderer/render';

const PAYLOAD = "'globalThis.pwned = 1; return process'";

const escapes: Array<[string, string]> = [
  ['range.constructor', `{{ range.constructor(${PAYLOAD})() }}`],
  ['subscript constructor', `{{ range['constructor'](${PAYLOAD})() }}`],
  ['computed name', `{{ range['constr' ~ 'uctor'](${PAYLOAD})() }}`],
  ['name from params', `{{ range[key](${PAYLOAD})() }}`],
  ['cycler', `{{ cycler.constructor(${PAYLOAD})() }}`],
  ['cycler result method', `{{ cycler(1, 2).next.constructor(${PAYLOAD})() }}`],
  ['joiner', `{{ joiner.constructor(${PAYLOAD})() }}`],
  ['dict global', `{{ dict.constructor(${PAYLOAD})() }}`],
  ['string constructor chain', `{{ ''.constructor.constructor(${PAYLOAD})() }}`],
  ['string method constructor', `{{ 'x'.upper.constructor(${PAYLOAD})() }}`],
  ['list constructor', `{{ [].constructor.constructor(${PAYLOAD})() }}`],
  ['dict literal __proto__', '{{ {}.__proto__ }}'],
  ['params __proto__', '{{ user.__proto__.constructor }}'],
  ['__defineGetter__', "{{ user.__defineGetter__('x', range) }}"],
  ['__lookupGetter__', "{{ user.__lookupGetter__('__proto__') }}"],
  ['prototype', '{{ range.prototype }}'],
  ['loop object', `{% for x in [1] %}{{ loop.constructor.constructor(${PAYLOAD})() }}{% endfor %}`],
  ['macro', `{% macro m() %}{% endmacro %}{{ m.constructor(${PAYLOAD})() }}`],
  ['caller', `{% macro m() %}{{ caller.constructor(${PAYLOAD})() }}{% endmacro %}{% call m() %}x{% endcall %}`],
  ['set alias', `{% set f = range %}{{ f.constructor(${PAYLOAD})() }}`],
  ['set computed name', `{% set c = 'constructor' %}{{ range[c](${PAYLOAD})() }}`],
  ['set __proto__ target', `{% set __proto__ = range %}{{ constructor(${PAYLOAD})() }}`],
  ['dict literal key', "{% set d = {'__proto__': range} %}{{ d.constructor }}"],
  ['update with __proto__', '{% set d = {} %}{{ d.update({\'a\': 1}) }}{{ d.constructor }}'],
  ['map attribute', `{{ ([range] | map(attribute='constructor') | first)(${PAYLOAD})() }}`],
  ['map dotted attribute', "{{ [user] | map(attribute='__proto__.constructor') | list }}"],
  ['attr filter', `{{ (range | attr('constructor'))(${PAYLOAD})() }}`],
  ['selectattr', "{{ [range] | selectattr('constructor') | list }}"],
  ['rejectattr', "{{ [range] | rejectattr('constructor.name') | list }}"],
  ['sort attribute', "{{ [range, range] | sort(attribute='constructor') | list }}"],
  ['groupby', `{% for g in [range] | groupby('constructor') %}{{ g.grouper(${PAYLOAD})() }}{% endfor %}`],
  ['sum attribute', "{{ [range] | sum(attribute='constructor') }}"],
  ['join attribute', "{{ [range] | join(',', attribute='constructor') }}"],
  ['function call/apply', '{{ range.call(null, 1) }}'],
  ['function bind', '{{ range.bind }}'],
  ['toString of a function', '{{ range.toString() }}'],
  ['valueOf reaches functions', '{{ user.valueOf.constructor }}'],
  ['bare constructor name', `{{ constructor(${PAYLOAD})() }}`],
  ['globalThis', '{{ globalThis.process }}'],
  ['process', '{{ process.env }}'],
  ['require', "{{ require('child_process') }}"],
  ['this', '{{ this }}'],
];

describe('sandbox', () => {
  afterEach(() => {
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  test.each(escapes)('refuses %s', (_, template) => {
    expect(() => renderTemplate(template, { user: { name: 'n' }, key: 'constructor' }, 'payload'))
      .toThrow(expect.objectContaining({ name: 'TemplateRenderError' }));
  });

  test('sandbox refusals say so', () => {
    expect(() => renderTemplate('{{ range.name }}', {}, 'url')).toThrow(/url: sandbox: access to attributes of a function/);
    expect(() => renderTemplate('{{ range.constructor }}', {}, 'url')).toThrow(/url: sandbox: access to a member named constructor/);
    expect(() => renderTemplate("{{ ''.constructor }}", {}, 'url')).toThrow(/sandbox: access to a member named constructor, prototype or __\* is not allowed/);
    expect(() => renderTemplate('{% set __proto__ = 1 %}', {}, 'url')).toThrow(/sandbox: '__proto__' cannot be used as a name/);
  });

  test('ordinary data access still works', () => {
    expect(renderTemplate("{{ user.name }} {{ user['name'] }} {{ items[0] }} {{ 'ab'.upper() }} {{ d.get('k') }}",
      { user: { name: 'n' }, items: [1], d: { k: 'v' } }, 'url')).toBe('n n 1 AB v');
    expect(renderTemplate("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}", {}, 'url')).toBe('ab');
  });
});

// Every filter that walks an attribute path goes through the same sandboxed lookup: a forbidden
// segment anywhere in the path, on any subject (functions, macros, dicts, lists, strings), is
// refused and nothing of JavaScript's internals comes back.
describe('attribute paths', () => {
  const FORBIDDEN = ['constructor', 'prototype', '__proto__', '__defineGetter__', '__class__', '__globals__'];
  const paths = FORBIDDEN.flatMap((bad) => [bad, `${bad}.name`, `name.${bad}`, `0.${bad}`, `${bad}.${bad}`, `a.b.${bad}`]);
  const SUBJECTS = ['[m]', '[range]', '[user]', '[[1, 2]]', "['text']", '[{"a": {"b": user}}]'];
  const USES = [
    (path: string) => `map(attribute=${JSON.stringify(path)}) | list`,
    (path: string) => `groupby(${JSON.stringify(path)}) | list`,
    (path: string) => `sort(attribute=${JSON.stringify(path)}) | list`,
    (path: string) => `selectattr(${JSON.stringify(path)}) | list`,
    (path: string) => `rejectattr(${JSON.stringify(path)}) | list`,
    (path: string) => `sum(attribute=${JSON.stringify(path)})`,
    (path: string) => `unique(attribute=${JSON.stringify(path)}) | list`,
    (path: string) => `min(attribute=${JSON.stringify(path)})`,
    (path: string) => `max(attribute=${JSON.stringify(path)})`,
    (path: string) => `join(',', attribute=${JSON.stringify(path)})`,
  ];
  const cases = USES.flatMap((use) => SUBJECTS.flatMap((subject) => paths.map((path) => `{% macro m() %}x{% endmacro %}{{ ${subject} | ${use(path)} }}`)));

  test(`${cases.length} filter × subject × path combinations refuse or render nothing internal`, () => {
    for (const template of cases) {
      let output: string;
      try {
        output = renderTemplate(template, { user: { name: 'n' } }, 'payload');
      } catch (error) {
        expect((error as Error).name).toBe('TemplateRenderError');
        continue;
      }
      // A path that never reached a forbidden member may render (an empty list, a default); it
      // must not show a function's source or a prototype.
      expect(output).not.toMatch(/function [\w$]*\(|\[native code\]|=>|\[object|prototype|Function/);
    }
  });

  test('the report\'s example: a macro\'s source through groupby', () => {
    expect(() => renderTemplate("{% macro m() %}x{% endmacro %}{{ [m] | groupby('prototype.constructor') }}", {}, 'payload'))
      .toThrow(expect.objectContaining({ name: 'TemplateRenderError' }));
  });
});
