// The shared template file format: its bounds must be the renderer's, or the construct would
// accept templates the renderer refuses (or the reverse).
import * as rendererLimits from '../lambda-src/renderer/limits';
import * as format from '../src/private/template-file-format';

test('the bounds agree with the renderer\'s', () => {
  expect(format.HTTP_METHODS).toEqual([...rendererLimits.HTTP_METHODS]);
  expect(format.BODYLESS_METHODS).toEqual([...rendererLimits.BODYLESS_METHODS]);
  expect(format.MAX_HEADERS).toBe(rendererLimits.MAX_HEADERS);
  expect(format.MAX_URL_TEMPLATE_CHARS).toBe(rendererLimits.MAX_URL_TEMPLATE_CHARS);
  expect(format.MAX_HEADER_TEMPLATE_CHARS).toBe(rendererLimits.MAX_HEADER_TEMPLATE_CHARS);
  expect(format.MAX_PAYLOAD_TEMPLATE_CHARS).toBe(rendererLimits.MAX_PAYLOAD_TEMPLATE_CHARS);
  expect(format.MIN_TIMEOUT_MS).toBe(rendererLimits.MIN_TIMEOUT_MS);
  expect(format.MAX_TIMEOUT_MS).toBe(rendererLimits.MAX_TIMEOUT_MS);
  expect(format.HEADER_NAME.source).toBe(rendererLimits.HEADER_NAME.source);
});

test('parse errors carry the source and the field', () => {
  let error: format.TemplateFileFormatError | undefined;
  try {
    format.parseTemplateText('- name: a\n  method: GET\n  url: https://a\n- name: b\n  method: GET\n', 'f.yaml');
  } catch (e) {
    error = e as format.TemplateFileFormatError;
  }
  expect(error).toBeInstanceOf(format.TemplateFileFormatError);
  expect(error).toMatchObject({ name: 'TemplateFileFormatError', source: 'f.yaml#2', field: 'url', message: 'f.yaml#2: field url must be a non-empty string' });
});

test('templateProblems lists every problem, not only the first', () => {
  expect(format.templateProblems({ name: 'a', method: 'GET', url: 'ftp://x', headers: { 'a b': 'x' }, payload: 'p', timeoutMs: 0 }).map(p => p.field))
    .toEqual(['url', 'headers', 'payload', 'timeout']);
});
