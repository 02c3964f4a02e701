// The template fields `response` and `pagination` through every entry point that decides whether
// a template is valid (ApiTemplate.of, ApiTemplate.fromFile, the CLI's file reader, the seeding
// custom resource, the renderer): each accepts it, or each refuses it naming the same field.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readTemplateFileReports } from '../cli-src/template-files/template-file';
import { checkTemplateSyntax } from '../cli-src/template-files/template-syntax';
import { decodeTemplateItem } from '../lambda-src/renderer/item';
import { validTemplates } from '../lambda-src/template-seeder/seed';
import { ApiTemplate, HttpMethod, PaginationTemplate, TemplateAttribute, TemplateField, TemplateLimits } from '../src';
import { templateItem } from '../src/private/template-seeding';

const BASE = { name: 'list', method: 'GET', url: 'https://api.example.com/items' };
const PAGES = { next: "{{ (response.headers.link | link_header).next | default('') }}", items: '{{ response.body | tojson }}' };

const TABLE: Array<[string, Record<string, unknown>, string | undefined]> = [
  ['a response mapping', { response: '{"id": {{ response.body.id }}}' }, undefined],
  ['pagination with maxPages', { pagination: { ...PAGES, maxPages: 3 } }, undefined],
  ['pagination at the most pages', { pagination: { ...PAGES, maxPages: TemplateLimits.MAX_PAGES } }, undefined],
  ['an empty response mapping', { response: '' }, TemplateField.RESPONSE],
  ['a response mapping that is not a string', { response: { id: 1 } }, TemplateField.RESPONSE],
  ['an over-long response mapping', { response: 'r'.repeat(TemplateLimits.MAX_RESPONSE_TEMPLATE_CHARS + 1) }, TemplateField.RESPONSE],
  ['pagination that is not a map', { pagination: 'next' }, TemplateField.PAGINATION],
  ['pagination without next', { pagination: { items: PAGES.items } }, TemplateField.PAGINATION],
  ['pagination without items', { pagination: { next: PAGES.next } }, TemplateField.PAGINATION],
  ['maxPages of 0', { pagination: { ...PAGES, maxPages: 0 } }, TemplateField.PAGINATION],
  ['maxPages over the most', { pagination: { ...PAGES, maxPages: TemplateLimits.MAX_PAGES + 1 } }, TemplateField.PAGINATION],
  ['a fractional maxPages', { pagination: { ...PAGES, maxPages: 2.5 } }, TemplateField.PAGINATION],
  ['an unknown pagination key', { pagination: { ...PAGES, cursor: 'x' } }, TemplateField.PAGINATION],
];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'response-fields-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FIELD_IN_PATH = /\.(response|pagination): /;
const ATTRIBUTE: Record<string, string> = {
  [TemplateAttribute.RESPONSE]: TemplateField.RESPONSE,
  [TemplateAttribute.PAGINATION]: TemplateField.PAGINATION,
};

function verdict(run: () => unknown, pattern: RegExp): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    const found = pattern.exec((error as Error).message)?.[1];
    return found === undefined ? `unnamed: ${(error as Error).message}` : ATTRIBUTE[found] ?? found;
  }
}

function file(fields: Record<string, unknown>): string {
  const filePath = path.join(dir, `t${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(filePath, JSON.stringify({ ...BASE, ...fields }));
  return filePath;
}

function item(fields: Record<string, unknown>): Record<string, unknown> {
  return { PK: BASE.name, SK: BASE.method, url: BASE.url, ...fields };
}

describe.each(TABLE)('%s', (_, fields, field) => {
  const expected = field ?? 'accepted';

  test('ApiTemplate.of', () => {
    expect(verdict(() => ApiTemplate.of({ ...BASE, method: HttpMethod.GET, ...fields } as never), FIELD_IN_PATH)).toBe(expected);
  });

  test('ApiTemplate.fromFile', () => {
    expect(verdict(() => ApiTemplate.fromFile(file(fields)), FIELD_IN_PATH)).toBe(expected);
  });

  test('the CLI file reader', () => {
    const [report] = readTemplateFileReports([file(fields)]);
    const problems = report.entries[0].problems;
    expect(problems.length === 0 ? 'accepted' : /^(\w+): /.exec(problems[0])?.[1]).toBe(expected);
  });

  test('the seeder (numbers as strings, as CloudFormation sends them)', () => {
    const seeded = item(fields);
    const pagination = seeded.pagination as Record<string, unknown> | undefined;
    if (typeof pagination === 'object' && pagination !== null && typeof pagination.maxPages === 'number') {
      seeded.pagination = { ...pagination, maxPages: String(pagination.maxPages) };
    }
    expect(verdict(() => validTemplates({ TableName: 't', Templates: [seeded] }), /\): attribute (\w+) /)).toBe(expected);
  });

  test('the renderer', () => {
    expect(verdict(() => decodeTemplateItem({ Item: marshall(item(fields)) }), /^attribute (\w+) /)).toBe(expected);
  });
});

describe('syntax of the response templates', () => {
  test('the CLI and the seeder check the mapping and both pagination templates', () => {
    const broken = { response: '{{ response.body', pagination: { next: '{% if %}', items: '{{ }}' } };
    const problems = checkTemplateSyntax(item(broken));
    expect(problems.map((problem) => /: (response|pagination\.\w+): /.exec(problem)?.[1])).toEqual(['response', 'pagination.next', 'pagination.items']);
    expect(() => validTemplates({ TableName: 't', Templates: [item(broken)] })).toThrow(/response: .*\n.*pagination\.next: .*\n.*pagination\.items: /);
  });

  test('the construct writes both fields to the item', () => {
    const pagination: PaginationTemplate = { ...PAGES, maxPages: 4 };
    const template = ApiTemplate.of({ ...BASE, method: HttpMethod.GET, response: '{"a": 1}', pagination });
    expect(templateItem(template)).toMatchObject({ [TemplateAttribute.RESPONSE]: '{"a": 1}', [TemplateAttribute.PAGINATION]: pagination });
    expect(decodeTemplateItem({ Item: marshall(templateItem(template)) })).toMatchObject({ response: '{"a": 1}', pagination });
  });
});
