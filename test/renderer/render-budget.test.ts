// No template may hang the renderer or exhaust its memory: every attack below (those from the
// security report, then generated families of them) ends within two seconds with a
// TemplateRenderError naming the limit it crossed, and the next render works. The memory bound
// is checked for real: the shipped bundle renders every attack in a Node.js process whose heap
// is smaller than the function's memory.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { renderTemplate } from '../../lambda-src/renderer/render';
import { withRenderBudget, DEFAULT_RENDER_LIMITS } from '../../lambda-src/renderer/render-budget';
import { templateEnvironment } from '../../lambda-src/renderer/template-environment';

const SECONDS = 2_000;

/** [what, template, the limit expected in the message] */
const ATTACKS: Array<[string, string, RegExp]> = [
  ['two nested range(100000) loops', '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', /maxSteps|timeoutMs/],
  ['a macro calling itself twice, 40 levels deep', '{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}', /maxSteps|timeoutMs/],
  ['unbounded recursion', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', /maxCallDepth/],
  ['500 nested list literals', `{{ ${'['.repeat(500)}${']'.repeat(500)} }}`, /maxNesting/],
  ['500 nested parentheses', `{{ ${'('.repeat(500)}1${')'.repeat(500)} }}`, /maxNesting/],
  ['500 nested if blocks', `${'{% if true %}'.repeat(500)}x${'{% endif %}'.repeat(500)}`, /maxNesting/],
  ["'x' | center(10**9)", "{{ 'x' | center(10**9) }}", /maxStringLength/],
  ["'x' | indent(10**9)", "{{ 'x' | indent(10**9) }}", /maxStringLength/],
  ['indent with a keyword width on many lines', "{{ ('a\\n' * 100000) | indent(width=100) }}", /maxStringLength/],
  ["batch(10**9, 'x')", "{{ [1] | batch(10**9, 'x') | list }}", /maxListLength/],
  ['slice(10**9)', '{{ [1] | slice(10**9) | list }}', /maxListLength/],
  ['tojson(indent=10**8)', '{{ [[1]] | tojson(indent=10**8) }}', /maxStringLength/],
  ["printing ['x' * 10**6] * 10**6", "{{ ['x' * 10**6] * 10**6 }}", /maxListLength/],
  ["printing ['x' * 10**6] * 10**5", "{{ ['x' * 10**6] * 10**5 }}", /maxStringLength/],
  ['joining a list of long strings', "{{ (['x' * 10**6] * 10**5) | join }}", /maxStringLength/],
  ['tojson of a list of long strings', "{{ (['x' * 10**6] * 10**5) | tojson }}", /maxStringLength/],
  ['unique over 300 000 items', '{% set l = [] %}{% for i in range(3) %}{% set _ = l.extend(range(100000)) %}{% endfor %}{{ l | unique | length }}', /maxListLength/],
  ["striptags on '<!--' * 200000 (then doubled)", "{{ (('<!--' * 200000) | striptags) ~ (('<!--' * 1500000) | striptags) }}", /maxStringLength/],
  // A set inside a loop does not leak out (Jinja2's scoping), so doubling goes through recursion or a mutated list.
  ['a list doubled 40 times by recursion', "{% macro d(l, n) %}{{ d(l + l, n - 1) if n else l | length }}{% endmacro %}{{ d(['x'], 40) }}", /maxListLength/],
  ['a string doubled 40 times by recursion', "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s | length }}{% endmacro %}{{ d('xxxxxxxx', 40) }}", /maxStringLength/],
  ['l.extend(l) 40 times in a loop', "{% set l = ['x'] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}{{ l | length }}", /maxListLength/],
  ['list.append in a loop of distinct long strings', "{% set l = [] %}{% for i in range(1000) %}{% set _ = l.append('x' * 10**6 ~ i) %}{% endfor %}", /maxTotalAllocation/],
  ['replace amplification', "{{ ('x' * 10**6) | replace('x', 'x' * 100) }}", /maxStringLength/],
  ['str.replace amplification', "{{ ('x' * 10**6).replace('x', 'yy' * 100) }}", /maxStringLength/],
  ['join with a long separator', "{{ range(100000) | join('x' * 1000) }}", /maxStringLength/],
  ['str.join with a long separator', "{{ ('x' * 1000).join(range(100000) | map('string')) }}", /maxStringLength/],
  ["'%1000000000s' | format", "{{ '%1000000000s' | format('x') }}", /maxStringLength/],
  ['zfill(10**9)', "{{ '1'.zfill(10**9) }}", /maxStringLength/],
  ['a template printing forever', '{% for i in range(100000) %}{{ "x" * 1000 }}{% endfor %}', /maxStringLength/],
  ['a macro body growing per call', "{% macro m() %}{{ 'x' * 1000000 }}{% endmacro %}{% for i in range(100) %}{% set _ = m() %}{% endfor %}", /maxTotalAllocation/],
  ['range beyond its bound', '{{ range(10**9) | length }}', /range\(\) is limited/],
];

function outcome(template: string): { result: string | Error; ms: number } {
  const started = Date.now();
  try {
    return { result: renderTemplate(template, {}, 'payload'), ms: Date.now() - started };
  } catch (error) {
    return { result: error as Error, ms: Date.now() - started };
  }
}

beforeAll(() => {
  templateEnvironment();
});

describe.each(ATTACKS)('%s', (_, template, limit) => {
  test('ends with a named TemplateRenderError within 2 s, and the next render works', () => {
    const { result, ms } = outcome(template);
    expect(result).toBeInstanceOf(Error);
    expect(result).toMatchObject({ name: 'TemplateRenderError', message: expect.stringMatching(limit) });
    expect(ms).toBeLessThan(SECONDS);
    expect(renderTemplate('{{ a }}-{{ b | upper }}', { a: 1, b: 'ok' }, 'payload')).toBe('1-OK');
  });
});

// Filters that scan text must stay linear (no catastrophic regular expressions, no quadratic
// loops): each of these runs over about a megabyte and finishes well inside the budget.
test.each([
  ['urlize on one long word', "{{ ('a' * 1000000 ~ '.com') | urlize | length }}"],
  ['urlize on a long dotted host', "{{ ('www.' ~ 'a.' * 500000 ~ '!') | urlize | length }}"],
  ['urlize on nested brackets', "{{ ('(' * 500000 ~ 'x' ~ ')' * 500000) | urlize | length }}"],
  ['urlize on a long e-mail-like word', "{{ ('a@' ~ 'b.' * 500000 ~ '!') | urlize | length }}"],
  ['wordwrap of many words', "{{ ('a ' * 500000) | wordwrap(3) | length }}"],
  ['wordwrap of hyphenated words', "{{ ('a-' * 500000) | wordwrap(3) | length }}"],
  ['striptags on unclosed tags', "{{ ('<' * 500000) | striptags | length }}"],
  ['striptags on entity-like text', "{{ ('&#' * 500000) | striptags | length }}"],
  ['trim on long blanks', "{{ (' ' * 1000000 ~ 'x' ~ ' ' * 1000000) | trim | length }}"],
  ['title on long text', "{{ ('a-' * 500000) | title | length }}"],
])('%s stays linear', (_, template) => {
  const { result, ms } = outcome(template);
  expect(typeof result).toBe('string');
  expect(ms).toBeLessThan(SECONDS);
});

test('limits are per render: a render is charged from zero', () => {
  const loop = '{% for i in range(60000) %}{% endfor %}done';
  for (let i = 0; i < 30; i++) {
    expect(renderTemplate(loop, {}, 'payload')).toBe('done');
  }
});

test('the configured limits apply, and a limit message names it', () => {
  const small = { ...DEFAULT_RENDER_LIMITS, maxSteps: 11, maxCallDepth: 3, maxListLength: 5, maxStringLength: 20, timeoutMs: 50 };
  const run = (template: string) => withRenderBudget(small, () => renderTemplate(template, {}, 'payload'));
  // The call to range() is one step, each iteration another.
  expect(run('{% for i in range(10) %}{% endfor %}ok')).toBe('ok');
  expect(() => run('{% for i in range(11) %}{% endfor %}')).toThrow(/render limit maxSteps \(11\) exceeded/);
  expect(() => run('{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(5) }}')).toThrow(/maxCallDepth \(3\)/);
  expect(() => run('{{ [1, 2, 3] + [4, 5, 6] }}')).toThrow(/maxListLength \(5\)/);
  expect(() => run("{{ 'x' * 21 }}")).toThrow(/maxStringLength \(20\)/);
  expect(() => run("{{ 'x' * 10 }}{{ 'y' * 15 }}")).toThrow(/maxStringLength \(20\) exceeded: the rendered text is too long/);
});

test('the clock stops a render that stays under the step limit', () => {
  const slow = { ...DEFAULT_RENDER_LIMITS, timeoutMs: 30 };
  // Each step sorts 100 000 items: few steps, much time.
  const template = '{% set l = range(100000) | list %}{% for i in range(100000) %}{% set _ = l | sort %}{% endfor %}';
  const started = Date.now();
  expect(() => withRenderBudget(slow, () => renderTemplate(template, {}, 'payload'))).toThrow(/render limit timeoutMs \(30\) exceeded/);
  expect(Date.now() - started).toBeLessThan(SECONDS);
});

// Generated families of the attacks: whatever the sizes, a render ends in time with output or
// a named error, and never with another kind of error.
const generated: Array<[string, fc.Arbitrary<string>]> = [
  ['nested loops', fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 10, max: 100000 }))
    .map(([depth, size]) => `${'{% for i in range(SIZE) %}'.repeat(depth)}x${'{% endfor %}'.repeat(depth)}`.replace(/SIZE/g, String(size)))],
  ['branching recursion', fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 200 }))
    .map(([branches, depth]) => `{% macro f(n) %}{% if n > 0 %}${'{{ f(n - 1) }}'.repeat(branches)}{% endif %}{% endmacro %}{{ f(${depth}) }}`)],
  ['amplifying filters', fc.tuple(fc.constantFrom('center', 'indent', 'batch', 'slice', 'wordwrap', 'truncate', 'tojson', 'join', 'replace'), fc.integer({ min: 0, max: 9 }))
    .map(([filter, exponent]) => {
      const size = `10**${exponent}`;
      const calls: Record<string, string> = {
        center: `center(${size})`,
        indent: `indent(${size})`,
        batch: `batch(${size}, 'x') | list`,
        slice: `slice(${size}) | list`,
        wordwrap: `wordwrap(${size})`,
        truncate: `truncate(${size})`,
        tojson: `tojson(indent=${size})`,
        join: `join('x' * ${size})`,
        replace: `replace('a', 'b' * ${size})`,
      };
      return `{{ (['a'] * 1000) | ${calls[filter]} | length }}`;
    })],
  ['multiplication chains', fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 })
    .map((factors) => `{{ ('ab' ${factors.map((factor) => `* ${factor}`).join(' ')}) | length }}`)],
  ['doubling loops', fc.tuple(fc.constantFrom("['x']", "'xy'", '{}'), fc.integer({ min: 1, max: 60 }))
    .map(([seed, times]) => `{% set v = ${seed} %}{% for i in range(${times}) %}{% set v = v ~ v if v is string else v + v if v is sequence and v is not mapping else v %}{% endfor %}{{ v | length }}`)],
  ['nesting', fc.tuple(fc.constantFrom(['[', ']'], ['(', ')'], ['{"a": ', '}']), fc.integer({ min: 1, max: 2000 }))
    .map(([[open, close], depth]) => `{{ ${open.repeat(depth)}1${close.repeat(depth)} }}`)],
];

describe.each(generated)('generated %s', (_, templates) => {
  test('end within 2 s with output or a TemplateRenderError', () => {
    fc.assert(fc.property(templates, (template) => {
      const { result, ms } = outcome(template);
      if (result instanceof Error) expect(result.name).toBe('TemplateRenderError');
      expect(ms).toBeLessThan(SECONDS);
    }), { numRuns: 15 });
  });
});

test('the shipped bundle renders every attack inside a heap smaller than the function (256 MB)', () => {
  const bundle = join(__dirname, '..', '..', 'assets', 'renderer', 'index.js');
  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    const attacks = JSON.parse(process.argv[1]);
    (async () => {
      const results = [];
      for (const template of attacks) {
        const started = Date.now();
        try {
          await handler({ template: { PK: 'attack', SK: 'POST', url: 'https://example.com/', payload: template }, params: {} });
          results.push({ error: 'none' });
        } catch (error) {
          results.push({ error: error.name, ms: Date.now() - started });
        }
      }
      process.stderr.write(JSON.stringify(results));
    })();`;
  const child = spawnSync(process.execPath, ['--max-old-space-size=160', '-e', script, JSON.stringify(ATTACKS.map(([, template]) => template))], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, ALLOW_PRIVATE_NETWORKS: 'false' },
  });
  // An out-of-memory crash ends the child with SIGABRT and no results.
  expect({ status: child.status, signal: child.signal }).toEqual({ status: 0, signal: null });
  const results = JSON.parse(child.stderr) as Array<{ error: string; ms: number }>;
  expect(results).toHaveLength(ATTACKS.length);
  for (const result of results) {
    expect(result.error).toBe('TemplateRenderError');
    expect(result.ms).toBeLessThan(SECONDS);
  }
});
