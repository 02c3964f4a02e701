import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTemplateFile, parseTimeout, readTemplateFileReports, readTemplateFiles } from '../../../cli-src/template-files/template-file';
import { TemplateRules } from '../../../src/contract';

describe('parseTemplateFile', () => {
  test('turns the ApiTemplate fields into the table item', () => {
    const [entry] = parseTemplateFile([
      'name: get-user', 'method: get', 'url: "https://api.example.com/users/{{ id }}"',
      'headers: { Accept: application/json }', 'timeout: 1.5s', 'description: a user',
    ].join('\n'), 'user.yaml');
    expect(entry).toEqual({
      source: 'user.yaml',
      item: { PK: 'get-user', SK: 'GET', url: 'https://api.example.com/users/{{ id }}', headers: { Accept: 'application/json' }, timeoutMs: 1500, description: 'a user' },
      problems: [],
    });
  });

  test('a list, JSON, and several YAML documents each give several templates', () => {
    expect(parseTemplateFile('[{"name":"a","method":"GET","url":"https://a.example"},{"name":"b","method":"GET","url":"https://b.example"}]', 'x.json')
      .map(e => e.source)).toEqual(['x.json#1', 'x.json#2']);
    expect(parseTemplateFile('name: a\nmethod: GET\nurl: https://a.example\n---\nname: b\nmethod: GET\nurl: https://b.example\n', 'x.yaml')
      .map(e => e.item.PK)).toEqual(['a', 'b']);
  });

  test.each([
    ['name: a\nmethod: GET\n', /x\.yaml: url: is missing or empty/],
    ['- 1\n', /x\.yaml: a template must be a mapping/],
    ['', /x\.yaml: no template in the file/],
    ['name: a\nmethod: POST\nurl: https://u\npayload: { a: 1 }\n', /x\.yaml: payload: must be a string$/],
    ['name: a\nmethod: GET\nurl: https://u\nheaders: { "Bad Name": x }\n', /x\.yaml: headers: 'Bad Name' is not a valid header name \(an RFC 9110 token/],
    ['name: a\nmethod: FETCH\nurl: https://u\n', /x\.yaml: method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'FETCH'/],
    ['name: a\nmethod: GET\nurl: api.example.com/x\n', /x\.yaml: url: must start with http:\/\/ or https:\/\//],
    ['name: a\nmethod: GET\nurl: u\ntimeout: soon\n', /x\.yaml: field timeout must be a duration like 500ms, 10s or 2m \(got "soon"\)/],
    ['name: a\nmethod: GET\nurl: https://u\ntimeout: 20m\n', /x\.yaml: timeout: 20m is out of range: a call may wait from 1 ms to 15 minutes$/],
    // YAML errors quote the offending line (the parser's own message ends in a dangling colon).
    ['name: a\nmethod: GET\nurl: https://u\n  bad: 1\n', /x\.yaml: Nested mappings are not allowed in compact mappings at line 3, column 6: "url: https:\/\/u"$/],
    ['name: [a\n', /x\.yaml: Flow sequence .* at line 1, where the file ends unfinished: "name: \[a"$/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTemplateFile(text, 'x.yaml')).toThrow(message);
  });
});

describe('readTemplateFiles', () => {
  test('reads the template files of a directory in name order and refuses duplicates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-files-'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'name: b\nmethod: GET\nurl: https://b.example\n');
    fs.writeFileSync(path.join(dir, 'a.json'), '{"name":"a","method":"GET","url":"https://a.example"}');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a template');
    expect(readTemplateFiles([dir]).map(e => e.item.PK)).toEqual(['a', 'b']);
    fs.writeFileSync(path.join(dir, 'c.yml'), 'name: a\nmethod: get\nurl: https://c.example\n');
    expect(() => readTemplateFiles([dir])).toThrow(/c\.yml: template a GET is also defined in .*a\.json/);
    expect(() => readTemplateFiles([path.join(dir, 'nope.yaml')])).toThrow(/nope\.yaml: no such file or directory/);
  });
});

describe('readTemplateFileReports', () => {
  test('reports every file of a directory, also after one that cannot be read, and each template\'s problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-reports-'));
    fs.writeFileSync(path.join(dir, 'a-broken.yaml'), 'name: [a\n');
    fs.writeFileSync(path.join(dir, 'b-bad.yaml'), 'name: b\nmethod: get\nurl: https://b.example\ntimeout: 16m\n');
    fs.writeFileSync(path.join(dir, 'c-good.yaml'), 'name: c\nmethod: GET\nurl: https://c.example\n');
    fs.writeFileSync(path.join(dir, 'd-again.yaml'), 'name: c\nmethod: GET\nurl: https://d.example\n');
    const reports = readTemplateFileReports([dir, path.join(dir, 'missing.yaml')]);
    expect(reports.map(r => [path.basename(r.file), r.error === undefined, r.entries.map(e => e.problems)])).toEqual([
      ['a-broken.yaml', false, []],
      ['b-bad.yaml', true, [['timeout: 16m is out of range: a call may wait from 1 ms to 15 minutes']]],
      ['c-good.yaml', true, [[]]],
      ['d-again.yaml', true, [[expect.stringMatching(/^template c GET is also defined in .*c-good\.yaml$/)]]],
      ['missing.yaml', false, []],
    ]);
    expect(reports[4].error).toMatch(/missing\.yaml: no such file or directory/);
  });
});

describe('parseTimeout', () => {
  test.each([[5, 5000], ['250ms', 250], ['2m', 120_000], ['0.5s', 500]])('%j is %d ms', (value, ms) => {
    expect(parseTimeout(value, 'f')).toBe(ms);
  });
});

describe('TemplateRules.couldBeHttpUrl', () => {
  test.each([
    ['https://a.example/{{ x }}', true],
    ['{{ base }}/x', true],
    ['http{{ s }}://a', true],
    ['ftp://a.example', false],
    ['api.example.com/x', false],
  ])('%s → %s', (url, expected) => {
    expect(TemplateRules.couldBeHttpUrl(url)).toBe(expected);
  });
});
