// Rendering: caching, the part named in errors, and messages that never show param values.
import { clearTemplateCache, compileTemplate, renderTemplate } from '../../lambda-src/renderer/render';

describe('renderTemplate', () => {
  test('params are the top-level context; output is Python str() of the value', () => {
    expect(renderTemplate('{{ userId }}-{{ flag }}-{{ nothing }}', { userId: 7, flag: true, nothing: null }, 'url')).toBe('7-True-None');
  });

  test('compiled templates are cached by source across calls', () => {
    clearTemplateCache();
    const first = compileTemplate('{{ a }}', 'url');
    expect(compileTemplate('{{ a }}', 'payload')).toBe(first);
    expect(compileTemplate('{{ b }}', 'url')).not.toBe(first);
    expect(renderTemplate('{{ a }}', { a: 1 }, 'url')).toBe('1');
    expect(renderTemplate('{{ a }}', { a: 2 }, 'url')).toBe('2');
  });

  test('an undefined variable names its line and column, and the closest param when one is a likely typo', () => {
    const template = '{"labels": {{ labels | tojson }},\n "count": {{ lables | length }}}';
    expect(() => renderTemplate(template, { labels: ['a'], count: 1 }, 'payload'))
      .toThrow("payload: 'lables' is undefined (line 2, column 14); did you mean 'labels'?");
    // No suggestion when nothing is close, and never a param's value.
    expect(() => renderTemplate('{{ zzz }}', { labels: 'secret-value' }, 'url')).toThrow(/^url: 'zzz' is undefined \(line 1, column 4\)$/);
    expect(() => renderTemplate('{{ user.nmae }}', { user: { name: 'n' } }, 'url')).toThrow(/^url: 'user.nmae' is undefined \(line 1, column \d+\)$/);
  });

  test('a syntax error names the part, and the position when the parser knows it', () => {
    expect(() => renderTemplate('{{ a ', {}, 'header X-Trace')).toThrow(/^header X-Trace: expected variable end$/);
    expect(() => renderTemplate('ok\n{{ a b }}', {}, 'payload')).toThrow(/^payload: .*\(line 2, column \d+\)$/);
  });

  test.each([
    '{{ secret + 1 }}', '{{ secret < 1 }}', '{{ secret() }}', '{{ secret.nope }}', '{{ secret | format(1) }}',
    '{% for x in secret | int %}{% endfor %}', '{{ secret | nosuchfilter }}', '{{ secret | length | attr("x") }}', '{{ items | map(secret) | list }}',
  ])('errors never quote param values: %s', (source) => {
    let message = '';
    try {
      renderTemplate(source, { secret: 'SeCrEt-VaLuE', items: [1] }, 'payload');
    } catch (error) {
      expect((error as Error).name).toBe('TemplateRenderError');
      message = (error as Error).message;
    }
    expect(message).toMatch(/^payload: /);
    expect(message).not.toContain('SeCrEt');
  });

  test('range() is bounded', () => {
    expect(() => renderTemplate('{{ range(10000000) | length }}', {}, 'payload')).toThrow(/range\(\) is limited/);
    expect(renderTemplate('{{ range(100000) | length }}', {}, 'payload')).toBe('100000');
  });
});
