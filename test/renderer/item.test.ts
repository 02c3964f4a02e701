// Item decoding: GetItem output, bare AttributeValue items and plain objects; every attribute
// validated with an InvalidTemplateError naming it.
import { getItemOutput } from './helpers/items';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';

describe('decodeTemplateItem', () => {
  const expected = {
    name: 'test-template',
    method: 'POST',
    url: 'https://api.example.com/{{ id }}',
    headers: [['Authorization', 'Bearer {{ token }}']],
    payload: '{"a": {{ a | tojson }}}',
    timeoutMs: 2500,
  };
  const plain = { SK: 'POST', url: expected.url, headers: { Authorization: 'Bearer {{ token }}' }, payload: expected.payload, timeoutMs: 2500 };

  test('unwraps the GetItem output', () => {
    expect(decodeTemplateItem(getItemOutput(plain))).toEqual(expected);
  });

  test('decodes a bare Item in AttributeValue form', () => {
    expect(decodeTemplateItem(getItemOutput(plain).Item)).toEqual(expected);
  });

  test('accepts a plain object', () => {
    expect(decodeTemplateItem({ PK: 'test-template', ...plain })).toEqual(expected);
  });

  test('optional attributes may be absent; unknown attributes are ignored', () => {
    expect(decodeTemplateItem({ PK: 'p', SK: 'GET', url: 'https://x', description: 'notes' }))
      .toEqual({ name: 'p', method: 'GET', url: 'https://x', headers: [], payload: undefined, timeoutMs: undefined });
  });

  test('a GetItem output without Item is TemplateNotFound', () => {
    expect(() => decodeTemplateItem({})).toThrow(expect.objectContaining({ name: 'TemplateNotFound' }));
    expect(() => decodeTemplateItem({ ConsumedCapacity: { TableName: 't' } })).toThrow(expect.objectContaining({ name: 'TemplateNotFound' }));
  });

  // Step Functions' optimized integrations add SdkHttpMetadata and SdkResponseMetadata to the
  // API response (https://docs.aws.amazon.com/step-functions/latest/dg/connect-parameters.html,
  // "Service integration outputs"), so a getItem that matches nothing is not `{}` on AWS.
  test('a getItem result carrying only the SDK metadata is TemplateNotFound, naming what was looked up', () => {
    const noItem = {
      SdkHttpMetadata: { AllHttpHeaders: { 'Content-Length': ['2'] }, HttpHeaders: { 'Content-Length': '2' }, HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: 'R1' },
    };
    expect(() => decodeTemplateItem(noItem, { templateName: 'get-order', method: 'GET' }))
      .toThrow(expect.objectContaining({ name: 'TemplateNotFound', message: 'no template "get-order" for method "GET": the GetItem result has no Item' }));
    expect(() => decodeTemplateItem({ ...noItem, SomethingNew: 1 })).toThrow(expect.objectContaining({ name: 'TemplateNotFound' }));
  });

  test('a lower-case method that finds nothing gets the upper-case hint', () => {
    expect(() => decodeTemplateItem({ SdkResponseMetadata: {} }, { templateName: 't', method: 'get' }))
      .toThrow(/no template "t" for method "get" \(methods are upper case: GET\)/);
  });

  test('a getItem result with Item and the SDK metadata decodes the Item', () => {
    expect(decodeTemplateItem({ ...getItemOutput(plain), SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: 'R2' } }))
      .toEqual(expected);
  });

  test.each([
    ['a template that is not an object', null, /event.template must be an object/],
    ['an array', [], /event.template must be an object/],
    ['an Item that is not an object', { Item: 'x' }, /event.template.Item/],
    ['a missing url', { SK: 'GET' }, /attribute url is missing/],
    ['an empty url', { SK: 'GET', url: '' }, /attribute url is missing/],
    ['a url that is not a string', { SK: 'GET', url: 7 }, /attribute url must be a string/],
    ['a missing method', { url: 'https://x' }, /attribute SK is missing/],
    ['an unknown method', { SK: 'BREW', url: 'https://x' }, /attribute SK must be one of/],
    ['a lower-case method', { SK: 'get', url: 'https://x' }, /attribute SK must be one of .*, got 'get' \(methods are upper case: GET\)/],
    ['a url that cannot render to http(s)', { SK: 'GET', url: 'ftp://x/{{ f }}' }, /attribute url must start with http:\/\/ or https:\/\//],
    ['a description that is not a string', { SK: 'GET', url: 'https://x', description: 1 }, /attribute description must be a string/],
    ['headers that are not a map', { SK: 'GET', url: 'https://x', headers: ['a'] }, /attribute headers must be a map/],
    ['a header value that is not a string', { SK: 'GET', url: 'https://x', headers: { A: 1 } }, /attribute headers 'A' must be a string template/],
    ['an invalid header name', { SK: 'GET', url: 'https://x', headers: { 'Bad Name': 'v' } }, /attribute headers 'Bad Name' is not a valid header name/],
    ['a header twice', { SK: 'GET', url: 'https://x', headers: { 'X-A': 'v', 'x-a': 'w' } }, /attribute headers 'x-a' repeats 'X-A'/],
    ['more than 100 headers', { SK: 'GET', url: 'https://x', headers: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`H${i}`, 'v'])) }, /attribute headers has 101 headers, more than 100/],
    ['a payload that is not a string', { SK: 'POST', url: 'https://x', payload: { a: 1 } }, /attribute payload must be a string/],
    ['a timeout of 0', { SK: 'GET', url: 'https://x', timeoutMs: 0 }, /attribute timeoutMs/],
    ['a fractional timeout', { SK: 'GET', url: 'https://x', timeoutMs: 1.5 }, /attribute timeoutMs/],
    ['a timeout over 15 minutes', { SK: 'GET', url: 'https://x', timeoutMs: 900_001 }, /attribute timeoutMs/],
    ['a timeout that is not a number', { SK: 'GET', url: 'https://x', timeoutMs: 'soon' }, /attribute timeoutMs/],
    ['a name that is not a string', { PK: 1, SK: 'GET', url: 'https://x' }, /attribute PK must be a string/],
    ['an over-long url template', { SK: 'GET', url: `https://x/${'a'.repeat(9000)}` }, /attribute url is longer/],
    ['a malformed AttributeValue', { Item: { SK: { S: 'GET' }, url: { S: 'https://x' }, timeoutMs: { N: 'abc' } } }, /attribute timeoutMs|not a valid DynamoDB item/],
  ])('refuses %s', (_, template, message) => {
    expect(() => decodeTemplateItem(template)).toThrow(expect.objectContaining({ name: 'InvalidTemplateError', message: expect.stringMatching(message) }));
  });

  test('a payload on GET or HEAD is not read (the contract: no body), whatever it holds; the other entry points refuse to write one', () => {
    expect(decodeTemplateItem({ SK: 'GET', url: 'https://x', payload: '{}' }).payload).toBeUndefined();
    expect(decodeTemplateItem({ SK: 'HEAD', url: 'https://x', payload: 7 }).payload).toBeUndefined();
    expect(() => decodeTemplateItem({ SK: 'POST', url: 'https://x', payload: 7 })).toThrow(/attribute payload must be a string/);
  });

  test('100 headers are fine', () => {
    const headers = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`H${i}`, 'v']));
    expect(decodeTemplateItem({ SK: 'GET', url: 'https://x', headers }).headers).toHaveLength(100);
  });
});
