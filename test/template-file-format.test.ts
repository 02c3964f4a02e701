// The shared template file format: YAML or JSON text → the model's plain templates. What the
// values must be is the model's (test/template-model.test.ts runs its table through every entry
// point); the format's own rules are a mapping, known fields and a duration for `timeout`.
import * as format from '../src/private/template-file-format';

function formatError(text: string): format.TemplateFileFormatError | undefined {
  try {
    format.parseTemplateText(text, 'f.yaml');
  } catch (e) {
    return e as format.TemplateFileFormatError;
  }
  return undefined;
}

test('parse errors carry the source and the field', () => {
  expect(formatError('- name: a\n  method: GET\n  url: https://a\n- name: b\n  method: GET\n  url: https://b\n  header: {}\n')).toMatchObject({
    name: 'TemplateFileFormatError', source: 'f.yaml#2', field: 'header', message: expect.stringMatching(/^f\.yaml#2: unknown field header \(fields: name, method, url, headers, payload, timeout, description, /),
  });
  expect(formatError('name: a\nmethod: GET\nurl: https://a\ntimeout: soon\n')).toMatchObject({ field: 'timeout', message: expect.stringMatching(/duration like 500ms/) });
  expect(formatError('[1, 2]')).toMatchObject({ field: undefined, message: 'f.yaml#1: a template must be a mapping with name, method and url' });
});

test('values are handed to the model unchecked, the method upper case and the timeout in ms', () => {
  expect(format.parseTemplateText('name: a\nmethod: get\nurl: 7\ntimeout: 2m\nheaders:\n', 'f.yaml')).toEqual([
    { source: 'f.yaml', template: { name: 'a', method: 'GET', url: 7, headers: null, payload: undefined, timeoutMs: 120_000, description: undefined } },
  ]);
});
