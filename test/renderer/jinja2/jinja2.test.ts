// Differential test: the renderer against outputs computed by real Jinja2 (fixtures.json,
// regenerated from corpus.json by `npm run fixtures:jinja2`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate } from '../../../lambda-src/renderer/render';

interface Fixture {
  readonly name: string;
  readonly template: string;
  readonly params: Record<string, unknown>;
  readonly output?: string;
  readonly error?: string;
}

const { generatedBy, fixtures } = JSON.parse(readFileSync(join(__dirname, 'fixtures.json'), 'utf8')) as { generatedBy: string; fixtures: Fixture[] };

/**
 * Where the renderer knowingly differs (listed in the README's compatibility table): the
 * renderer's own output is pinned here so a change in either direction is noticed.
 */
const KNOWN_DIFFERENCES: Record<string, { readonly renderer: string | Error; readonly why: string }> = {
  'round': { renderer: '2.57 8 7', why: 'JavaScript has one number type: whole floats print without ".0"' },
  'integer division prints a float': { renderer: '3.5 2', why: 'same: 4 / 2 is 2, not 2.0' },
  'attr': { renderer: 'ann@example.com', why: 'attr() also reads dict keys (Jinja2 reads only Python attributes)' },
};

describe(`Jinja2 compatibility (expected outputs from ${generatedBy})`, () => {
  test('the corpus is substantial and every known difference is in it', () => {
    expect(fixtures.length).toBeGreaterThan(100);
    for (const name of Object.keys(KNOWN_DIFFERENCES)) {
      expect(fixtures.map((fixture) => fixture.name)).toContain(name);
    }
  });

  test.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (name, fixture) => {
    const render = () => renderTemplate(fixture.template, fixture.params, 'payload');
    const difference = KNOWN_DIFFERENCES[name];
    if (difference?.renderer instanceof Error) {
      expect(render).toThrow(difference.renderer.message);
      expect(fixture.error).toBeUndefined();
    } else if (difference !== undefined) {
      expect(render()).toBe(difference.renderer);
      expect(render()).not.toBe(fixture.output);
    } else if (fixture.error !== undefined) {
      expect(render).toThrow(expect.objectContaining({ name: 'TemplateRenderError' }));
    } else {
      expect(render()).toBe(fixture.output);
    }
  });
});
