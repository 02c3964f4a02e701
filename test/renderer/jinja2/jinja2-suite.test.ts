// Fidelity measured on Jinja2's own test suite: every template Jinja2 3.1's tests render that a
// standalone template can express (harvest/), with the output real Jinja2 gives under the
// project's settings (jinja2-suite-fixtures.json, from `bash test/renderer/jinja2/regenerate.sh`).
// The renderer must reach at least today's pass rates; FIDELITY.md lists the misses by cause.
// JINJA2_SUITE_REPORT=<file> writes every result as JSON (harvest/fidelity_report.py reads it).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate } from '../../../lambda-src/renderer/render';

interface SuiteFixture {
  readonly name: string;
  readonly template: string;
  readonly params: Record<string, unknown>;
  readonly tags: readonly string[];
  readonly output?: string;
  readonly error?: string;
  /** The expected output prints a Python repr (a tuple, a quoted string or None inside a container...). */
  readonly pythonRepr: boolean;
}

interface Result {
  readonly name: string;
  readonly group: string;
  readonly pythonRepr: boolean;
  readonly pass: boolean;
  readonly template: string;
  readonly params: Record<string, unknown>;
  readonly expected: string;
  readonly actual: string;
}

/** Measured with the tree evaluator (411/422 and 420/434; 352/422 and 355/434 with the nunjucks compiler), rounded down. Issue 13 asks for 95 % and 85 %. */
const FLOOR = { noRepr: 0.97, overall: 0.96 };

const { generatedBy, fixtures } = JSON.parse(readFileSync(join(__dirname, 'jinja2-suite-fixtures.json'), 'utf8')) as {
  generatedBy: string;
  fixtures: SuiteFixture[];
};

/** `test_filters.py::TestFilter::test_dictsort[...] #2` → `test_filters.py::test_dictsort`. */
function groupOf(name: string): string {
  const [file, ...rest] = name.replace(/ #\d+$/, '').split('::');
  const test = (rest[rest.length - 1] ?? '').replace(/\[.*$/, '');
  return `${file}::${test}`;
}

function run(fixture: SuiteFixture): Result {
  let actual: string;
  let threw: Error | undefined;
  try {
    actual = renderTemplate(fixture.template, fixture.params, 'template');
  } catch (error) {
    threw = error as Error;
    actual = `<${threw.name}: ${threw.message}>`;
  }
  const pass = fixture.error !== undefined
    ? threw?.name === 'TemplateRenderError'
    : threw === undefined && actual === fixture.output;
  return {
    name: fixture.name,
    group: groupOf(fixture.name),
    pythonRepr: fixture.pythonRepr,
    pass,
    template: fixture.template,
    params: fixture.params,
    expected: fixture.error !== undefined ? `<${fixture.error}>` : fixture.output!,
    actual,
  };
}

function rate(results: readonly Result[]): number {
  return results.length === 0 ? 1 : results.filter((result) => result.pass).length / results.length;
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

describe(`Jinja2's own test suite (expected outputs from ${generatedBy})`, () => {
  const results = fixtures.map(run);
  const noRepr = results.filter((result) => !result.pythonRepr);

  test('the harvested corpus is substantial and every case is tagged with its Jinja2 test', () => {
    expect(fixtures.length).toBeGreaterThan(300);
    for (const fixture of fixtures) {
      expect(fixture.tags.some((tag) => tag.startsWith('jinja2-test:'))).toBe(true);
    }
  });

  test('pass rates are at least the floor (no Python repr / overall)', () => {
    const failing = new Map<string, Result[]>();
    for (const result of results.filter((r) => !r.pass)) {
      failing.set(result.group, [...failing.get(result.group) ?? [], result]);
    }
    const lines = [...failing.entries()]
      .sort(([a, ra], [b, rb]) => rb.length - ra.length || a.localeCompare(b))
      .map(([group, rs]) => `  ${String(rs.length).padStart(3)}  ${group}  e.g. ${JSON.stringify(rs[0].template.slice(0, 60))}`);
    process.stdout.write([
      `Jinja2 suite: ${results.length} cases; no Python repr ${percent(rate(noRepr))} of ${noRepr.length}, overall ${percent(rate(results))}`,
      `failing cases by Jinja2 test (${results.length - results.filter((r) => r.pass).length}):`,
      ...lines,
      '',
    ].join('\n'));
    if (process.env.JINJA2_SUITE_REPORT) {
      writeFileSync(process.env.JINJA2_SUITE_REPORT, JSON.stringify({ generatedBy, results }, null, 1));
    }
    expect(rate(noRepr)).toBeGreaterThanOrEqual(FLOOR.noRepr);
    expect(rate(results)).toBeGreaterThanOrEqual(FLOOR.overall);
  });
});
