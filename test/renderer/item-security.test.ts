// Template items an attacker with table write access could craft: headers that change where or
// how a request is sent (refused at every entry point: synth, CLI, renderer), and attribute names
// that would replace an object's prototype.
import { Errors } from 'aws-cdk-lib';
import { parseTemplateFile } from '../../cli-src/template-files/template-file';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { renderRequest } from '../../lambda-src/renderer/request';
import { ApiTemplate, HttpMethod, ReservedRequestHeaders } from '../../src';

/** Every spelling a header name can take: HTTP header names are case-insensitive. */
function spellings(name: string): string[] {
  const mixed = [...name].map((char, index) => (index % 2 === 0 ? char.toUpperCase() : char)).join('');
  const title = name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
  return [...new Set([name, name.toUpperCase(), title, mixed])];
}

const RESERVED = ReservedRequestHeaders.NAMES.flatMap(spellings);

describe.each(RESERVED)('the reserved header %s', (header) => {
  test('is refused by the renderer before anything is rendered or sent', () => {
    const item = { Item: { PK: { S: 't' }, SK: { S: 'GET' }, url: { S: 'https://api.example.com/' }, headers: { M: { [header]: { S: 'evil.example' } } } } };
    expect(() => decodeTemplateItem(item)).toThrow(expect.objectContaining({ name: 'InvalidTemplateError', message: expect.stringContaining(`header ${header} decides where or how the request is sent`) }));
  });

  test('is refused at synth', () => {
    let error: unknown;
    try {
      ApiTemplate.of({ name: 't', method: HttpMethod.GET, url: 'https://api.example.com/', headers: { [header]: 'x' } });
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toContain(`'${header}' cannot be set by a template`);
  });

  test('is refused by the CLI when reading a template file', () => {
    const file = JSON.stringify({ name: 't', method: 'GET', url: 'https://api.example.com/', headers: { [header]: 'x' } });
    expect(() => parseTemplateFile(file, 't.json')).toThrow(`headers: '${header}' cannot be set by a template`);
  });
});

test('ordinary headers are not reserved', () => {
  for (const name of ['Accept', 'Authorization', 'X-Host', 'Hostname', 'Content-Type', 'Idempotency-Key', 'X-Forwarded-For']) {
    expect(ReservedRequestHeaders.isReserved(name)).toBe(false);
  }
});

describe('an attribute named __proto__', () => {
  const base = { PK: { S: 't' }, SK: { S: 'GET' } };

  test('cannot supply a missing url through the prototype (AttributeValue form)', () => {
    const item = { Item: { ...base, ['__proto__']: { M: { url: { S: 'https://attacker.example/' } } } } };
    // A literal `__proto__:` key in an object literal sets the prototype; build it as JSON does.
    const parsed = JSON.parse(JSON.stringify(item).replace('"__proto__"', '"__proto__"'));
    expect(Object.prototype.hasOwnProperty.call(parsed.Item, '__proto__')).toBe(true);
    expect(() => decodeTemplateItem(parsed)).toThrow(expect.objectContaining({ name: 'InvalidTemplateError', message: 'attribute url is missing or empty' }));
  });

  test('cannot supply a missing url through the prototype (plain form)', () => {
    const parsed = JSON.parse('{"PK": "t", "SK": "GET", "__proto__": {"url": "https://attacker.example/"}}');
    expect(() => decodeTemplateItem(parsed)).toThrow(expect.objectContaining({ name: 'InvalidTemplateError', message: 'attribute url is missing or empty' }));
  });

  test('as a header name it is sent like any other header, not dropped', () => {
    const parsed = JSON.parse('{"Item": {"PK": {"S": "t"}, "SK": {"S": "GET"}, "url": {"S": "https://api.example.com/"}, "headers": {"M": {"__proto__": {"S": "v"}, "X-A": {"S": "a"}}}}}');
    const request = renderRequest(decodeTemplateItem(parsed), {});
    expect(Object.keys(request.headers)).toEqual(['__proto__', 'X-A']);
    expect(request.headers.__proto__).toBe('v');
  });

  test('inside a map it stays data', () => {
    const parsed = JSON.parse('{"Item": {"PK": {"S": "t"}, "SK": {"S": "GET"}, "url": {"S": "https://api.example.com/"}, "extra": {"M": {"__proto__": {"M": {"polluted": {"BOOL": true}}}}}}}');
    decodeTemplateItem(parsed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
