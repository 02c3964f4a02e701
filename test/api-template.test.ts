import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Errors } from 'aws-cdk-lib';
import { ApiTemplate, ApiTemplateProps, HttpMethod } from '../src';

const base: ApiTemplateProps = { name: 'get-user', method: HttpMethod.GET, url: 'https://api.example.com/users/{{ id }}' };

describe('ApiTemplate.of', () => {
  test('keeps the fields; optional ones default to undefined', () => {
    const template = ApiTemplate.of({ ...base, headers: { Accept: 'application/json' }, timeout: Duration.millis(1500), description: 'a user' });
    expect(template).toMatchObject({ name: 'get-user', method: 'GET', url: base.url, headers: { Accept: 'application/json' }, description: 'a user', source: "ApiTemplate 'get-user' GET" });
    expect(template.timeout?.toMilliseconds()).toBe(1500);
    const bare = ApiTemplate.of(base);
    expect([bare.headers, bare.payload, bare.timeout, bare.description]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test.each([
    [{ url: 'ftp://files.example.com/x' }, /ApiTemplate 'get-user' GET\.url: must start with http:\/\/ or https:\/\//],
    [{ url: 'api.example.com/users' }, /\.url: must start with http/],
    [{ url: '   ' }, /\.url: is missing or empty/],
    [{ url: `https://a.example/${'x'.repeat(8 * 1024)}` }, /\.url: is longer than 8192 characters/],
    [{ name: '' }, /ApiTemplate '' GET\.name: is missing or empty/],
    [{ name: 'n'.repeat(1025) }, /\.name: is longer than 1024 characters/],
    [{ method: 'FETCH' as HttpMethod }, /ApiTemplate 'get-user' FETCH\.method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'FETCH'/],
    [{ headers: { 'Bad Name': 'x' } }, /\.headers: 'Bad Name' is not a valid header name \(an RFC 9110 token/],
    [{ headers: { 'X-A': 'a', 'x-a': 'b' } }, /\.headers: 'x-a' repeats 'X-A' \(header names are case-insensitive\)/],
    [{ headers: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`X-H${i}`, 'v'])) }, /\.headers: has 101 headers, more than 100/],
    [{ headers: { 'X-Big': 'v'.repeat(8 * 1024 + 1) } }, /\.headers: 'X-Big' has a value longer than 8192 characters/],
    [{ payload: '{"a": 1}' }, /ApiTemplate 'get-user' GET\.payload: is not allowed on GET: GET requests carry no body, so the renderer would drop it/],
    [{ method: HttpMethod.HEAD, payload: 'x' }, /\.payload: is not allowed on HEAD/],
    [{ method: HttpMethod.POST, payload: 'x'.repeat(400 * 1024 + 1) }, /\.payload: is longer than 409600 characters/],
    [{ timeout: Duration.minutes(16) }, /\.timeout: 16m is out of range: a call may wait from 1 ms to 15 minutes/],
    [{ timeout: Duration.millis(0.5) }, /\.timeout: must be a whole number of milliseconds/],
    [{ timeout: Duration.millis(0) }, /\.timeout: 0ms is out of range/],
    [{ name: 5 as unknown as string }, /\.name: must be a string/],
    [{ payload: {} as unknown as string }, /\.payload: must be a string/],
    [{ headers: { A: 1 as unknown as string } }, /\.headers: 'A' must be a string template/],
  ])('refuses %j', (override, message) => {
    let error: unknown;
    try {
      ApiTemplate.of({ ...base, ...override });
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(message);
  });

  test('accepts the edges: a URL starting with a tag, 100 headers, 1 ms and 15 minutes, a payload on POST', () => {
    expect(() => ApiTemplate.of({ ...base, url: '{{ baseUrl }}/users' })).not.toThrow();
    expect(() => ApiTemplate.of({ ...base, url: 'http{{ s }}://a' })).not.toThrow();
    expect(() => ApiTemplate.of({ ...base, headers: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`X-H${i}`, 'v'])) })).not.toThrow();
    expect(() => ApiTemplate.of({ ...base, timeout: Duration.millis(1) })).not.toThrow();
    expect(() => ApiTemplate.of({ ...base, timeout: Duration.minutes(15) })).not.toThrow();
    expect(() => ApiTemplate.of({ ...base, method: HttpMethod.POST, payload: '{{ body | tojson }}' })).not.toThrow();
  });
});

describe('ApiTemplate.fromFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-template-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads the CLI format: YAML fields, timeout as a duration, method in any case', () => {
    const [template] = ApiTemplate.fromFile(file('user.yaml', [
      'name: get-user', 'method: get', 'url: "https://api.example.com/users/{{ id }}"',
      'headers: { Accept: application/json }', 'timeout: 1.5s', 'description: a user',
    ].join('\n')));
    expect(template).toMatchObject({ name: 'get-user', method: HttpMethod.GET, headers: { Accept: 'application/json' }, description: 'a user' });
    expect(template.timeout?.toMilliseconds()).toBe(1500);
    expect(template.source).toBe(`${dir}/user.yaml ('get-user' GET)`);
  });

  test('a JSON list and several YAML documents give several templates, named by position', () => {
    expect(ApiTemplate.fromFile(file('list.json', '[{"name":"a","method":"GET","url":"https://a.example"},{"name":"b","method":"POST","url":"https://b.example","payload":"{}"}]'))
      .map(t => t.source)).toEqual([`${dir}/list.json#1 ('a' GET)`, `${dir}/list.json#2 ('b' POST)`]);
    expect(ApiTemplate.fromFile(file('docs.yaml', 'name: a\nmethod: GET\nurl: https://a.example\n---\nname: b\nmethod: GET\nurl: https://b.example\n'))
      .map(t => t.name)).toEqual(['a', 'b']);
  });

  test.each([
    ['missing.yaml', null, /missing\.yaml: no such template file/],
    ['nourl.yaml', 'name: a\nmethod: GET\n', /nourl\.yaml \('a' GET\)\.url: is missing or empty/],
    ['extra.yaml', 'name: a\nmethod: GET\nurl: https://a\nbody: x\n', /extra\.yaml\.body: unknown field body \(fields: name, method, url, headers, payload, timeout, description, /],
    ['timeout.yaml', 'name: a\nmethod: GET\nurl: https://a\ntimeout: soon\n', /timeout\.yaml\.timeout: field timeout must be a duration like 500ms, 10s or 2m/],
    ['payload.yaml', 'name: a\nmethod: POST\nurl: https://a\npayload: { a: 1 }\n', /payload\.yaml \('a' POST\)\.payload: must be a string/],
    ['headers.yaml', 'name: a\nmethod: GET\nurl: https://a\nheaders: [a]\n', /headers\.yaml \('a' GET\)\.headers: must be a map of header name to string template/],
    ['scheme.yaml', 'name: a\nmethod: GET\nurl: ftp://a\n', /scheme\.yaml \('a' GET\)\.url: must start with http/],
    ['method.yaml', 'name: a\nmethod: fetch\nurl: https://a\n', /method\.yaml \('a' FETCH\)\.method: must be one of/],
    ['dup.yaml', 'name: a\nmethod: GET\nurl: https://a\n---\nname: a\nmethod: get\nurl: https://b\n', /dup\.yaml#2 \('a' GET\): the template is also defined in .*dup\.yaml#1/],
    ['broken.yaml', 'name: [a\n', /broken\.yaml: /],
    ['empty.yaml', '', /empty\.yaml: no template in the file/],
  ])('%s is refused', (name, text, message) => {
    const p = text === null ? path.join(dir, name) : file(name, text);
    let error: unknown;
    try {
      ApiTemplate.fromFile(p);
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(message);
  });

  test('the example template files load', () => {
    const examples = path.join(__dirname, '..', 'examples', 'templates');
    const files = fs.existsSync(examples) ? fs.readdirSync(examples).filter(f => /\.(ya?ml|json)$/.test(f)) : [];
    for (const f of files) {
      expect(ApiTemplate.fromFile(path.join(examples, f)).length).toBeGreaterThan(0);
    }
  });
});

describe('ApiTemplate.fromDirectory', () => {
  test('reads the template files of a directory in name order, as the CLI does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-template-dir-'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'name: b\nmethod: GET\nurl: https://b.example\n');
    fs.writeFileSync(path.join(dir, 'a.json'), '[{"name":"a","method":"GET","url":"https://a.example"},{"name":"a","method":"DELETE","url":"https://a.example"}]');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'not a template');
    expect(ApiTemplate.fromDirectory(dir).map(t => `${t.name} ${t.method}`)).toEqual(['a GET', 'a DELETE', 'b GET']);
    expect(() => ApiTemplate.fromDirectory(path.join(dir, 'b.yaml'))).toThrow(/b\.yaml: no such template directory/);
  });

  test('reads the example templates', () => {
    expect(ApiTemplate.fromDirectory(path.join(__dirname, '..', 'examples', 'templates')).map(t => t.name))
      .toEqual(['create-order', 'get-inventory', 'get-invoices', 'get-order', 'notify-webhook']);
  });
});
