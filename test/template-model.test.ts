// One table of valid and invalid templates, run through every entry point that decides whether a
// template is valid: the construct at synth (ApiTemplate.of, ApiTemplate.fromFile), the CLI's file
// reader (validate, put, render, run --templates), the seeding custom resource and the renderer
// (the getItem result it is handed). They must agree: each accepts it, or each refuses it naming
// the same field. The rules themselves live once, in src/template-model.ts. The renderer differs
// in two ways its contract fixes, each tested below: it sends GET and HEAD without a body, so it
// does not read a payload on them; and it takes a plain item without its key.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build, only } from './stacks';
import { readTemplateFileReports } from '../cli-src/template-files/template-file';
import { readConfig } from '../lambda-src/renderer/config';
import { decodeTemplateItem } from '../lambda-src/renderer/item';
import { validTemplates } from '../lambda-src/template-seeder/seed';
import {
  ApiCallerErrors, ApiTemplate, HttpMethod, RendererDefaults, RendererEnvironment, RetryPolicy, TemplateAttribute, TemplateField,
  TemplateLimits, TemplateRules,
} from '../src';
import { templateItem } from '../src/private/template-seeding';

/** A template as a file writes it, the timeout in milliseconds (`timeout` in the file is `<ms>ms`). */
interface FileTemplate {
  readonly name?: unknown;
  readonly method?: unknown;
  readonly url?: unknown;
  readonly headers?: unknown;
  readonly payload?: unknown;
  readonly timeoutMs?: number;
  readonly description?: unknown;
  readonly rateLimit?: unknown;
}

const GET: FileTemplate = { name: 'get-user', method: 'GET', url: 'https://api.example.com/users/{{ userId }}' };
const POST: FileTemplate = { name: 'create-user', method: 'POST', url: 'https://api.example.com/users' };
const manyHeaders = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));

/** [case, template, the field every entry point names, or undefined when every one accepts it]. */
const TABLE: Array<[string, FileTemplate, string | undefined, RendererDifference?]> = [
  ['a GET with headers and a timeout', { ...GET, headers: { 'Accept': 'application/json', 'X-Trace': '{{ trace }}' }, timeoutMs: 2500, description: 'users' }, undefined],
  ['a POST with a payload', { ...POST, payload: '{"name": {{ name | tojson }}}' }, undefined],
  ['a URL starting with a tag', { ...GET, url: '{{ baseUrl }}/users' }, undefined],
  ['a lower-case method (the file and the props upper-case it)', { ...GET, method: 'get' }, undefined],
  ['every method', { ...POST, method: 'OPTIONS' }, undefined],
  ['the limits themselves', {
    ...POST,
    name: 'n'.repeat(TemplateLimits.MAX_NAME_CHARS),
    url: `https://a/${'u'.repeat(TemplateLimits.MAX_URL_CHARS - 10)}`,
    headers: { ...manyHeaders(TemplateLimits.MAX_HEADERS - 1), 'X-Big': 'v'.repeat(TemplateLimits.MAX_HEADER_VALUE_CHARS) },
    payload: 'p'.repeat(TemplateLimits.MAX_PAYLOAD_CHARS),
    timeoutMs: TemplateLimits.MAX_TIMEOUT_MS,
  }, undefined],
  ['the shortest timeout', { ...GET, timeoutMs: TemplateLimits.MIN_TIMEOUT_MS }, undefined],

  ['an empty name', { ...GET, name: '' }, TemplateField.NAME],
  ['a name that is not a string', { ...GET, name: 7 }, TemplateField.NAME],
  ['an over-long name', { ...GET, name: 'n'.repeat(TemplateLimits.MAX_NAME_CHARS + 1) }, TemplateField.NAME],
  ['an unknown method', { ...GET, method: 'FETCH' }, TemplateField.METHOD],
  ['a method that is not a string', { ...GET, method: 1 }, TemplateField.METHOD],
  ['a missing url', { ...GET, url: undefined }, TemplateField.URL],
  ['an empty url', { ...GET, url: '' }, TemplateField.URL],
  ['a blank url', { ...GET, url: '   ' }, TemplateField.URL],
  ['a url that is not a string', { ...GET, url: 7 }, TemplateField.URL],
  ['a url that cannot be http(s)', { ...GET, url: 'ftp://files.example.com/{{ f }}' }, TemplateField.URL],
  ['an over-long url', { ...GET, url: `https://a/${'u'.repeat(TemplateLimits.MAX_URL_CHARS)}` }, TemplateField.URL],
  ['headers that are not a map', { ...GET, headers: ['Accept'] }, TemplateField.HEADERS],
  ['a header name that is not a token', { ...GET, headers: { 'X Trace': 'a' } }, TemplateField.HEADERS],
  ['a reserved header', { ...GET, headers: { Host: 'evil.example' } }, TemplateField.HEADERS],
  ['a header twice, ignoring case', { ...GET, headers: { 'X-A': '1', 'x-a': '2' } }, TemplateField.HEADERS],
  ['a header value that is not a string', { ...GET, headers: { 'X-A': 1 } }, TemplateField.HEADERS],
  ['an over-long header value', { ...GET, headers: { 'X-A': 'v'.repeat(TemplateLimits.MAX_HEADER_VALUE_CHARS + 1) } }, TemplateField.HEADERS],
  ['too many headers', { ...GET, headers: manyHeaders(TemplateLimits.MAX_HEADERS + 1) }, TemplateField.HEADERS],
  ['a payload on GET', { ...GET, payload: '{}' }, TemplateField.PAYLOAD, 'sends no body'],
  ['a payload on HEAD', { ...GET, method: 'HEAD', payload: 'x' }, TemplateField.PAYLOAD, 'sends no body'],
  ['an empty payload on GET', { ...GET, payload: '' }, TemplateField.PAYLOAD, 'sends no body'],
  ['a payload that is not a string', { ...POST, payload: { a: 1 } }, TemplateField.PAYLOAD],
  ['an over-long payload', { ...POST, payload: 'p'.repeat(TemplateLimits.MAX_PAYLOAD_CHARS + 1) }, TemplateField.PAYLOAD],
  ['a timeout of 0', { ...GET, timeoutMs: 0 }, TemplateField.TIMEOUT],
  ['a timeout over 15 minutes', { ...GET, timeoutMs: TemplateLimits.MAX_TIMEOUT_MS + 1 }, TemplateField.TIMEOUT],
  ['a fractional timeout', { ...GET, timeoutMs: 1.5 }, TemplateField.TIMEOUT],
  ['a description that is not a string', { ...GET, description: 1 }, TemplateField.DESCRIPTION],
  ['a rate limit with a burst', { ...GET, rateLimit: { perSecond: 5, burst: 10 } }, undefined],
  ['a rate limit below one a second', { ...GET, rateLimit: { perSecond: 0.5 } }, undefined],
  ['a rate limit that is not a map', { ...GET, rateLimit: 5 }, TemplateField.RATE_LIMIT],
  ['a rate limit of 0', { ...GET, rateLimit: { perSecond: 0 } }, TemplateField.RATE_LIMIT],
  ['a rate limit above the most', { ...GET, rateLimit: { perSecond: TemplateLimits.MAX_RATE_PER_SECOND + 1 } }, TemplateField.RATE_LIMIT],
  ['a fractional burst', { ...GET, rateLimit: { perSecond: 5, burst: 1.5 } }, TemplateField.RATE_LIMIT],
  ['a rate limit with an unknown field', { ...GET, rateLimit: { perSecond: 5, perMinute: 100 } }, TemplateField.RATE_LIMIT],
];

const FIELD_OF_ATTRIBUTE: Record<string, string> = {
  [TemplateAttribute.NAME]: TemplateField.NAME,
  [TemplateAttribute.METHOD]: TemplateField.METHOD,
  [TemplateAttribute.TIMEOUT_MS]: TemplateField.TIMEOUT,
};
const fieldOfAttribute = (attribute: string) => FIELD_OF_ATTRIBUTE[attribute] ?? attribute;
const FIELD_IN_PATH = new RegExp(`\\.(${TemplateField.ALL.join('|')}): `);

/** Where the renderer's contract makes it differ: it sends GET and HEAD without a body. */
type RendererDifference = 'sends no body';

/** What an entry point said: 'accepted', or the field it named. */
type Verdict = string;

function synthError(run: () => unknown): Verdict {
  try {
    run();
    return 'accepted';
  } catch (error) {
    const field = FIELD_IN_PATH.exec((error as Error).message)?.[1];
    return field ?? `unnamed: ${(error as Error).message}`;
  }
}

function viaApiTemplateOf(t: FileTemplate): Verdict {
  return synthError(() => ApiTemplate.of({
    name: t.name as string,
    method: t.method as HttpMethod,
    url: t.url as string,
    headers: t.headers as Record<string, string>,
    payload: t.payload as string,
    timeout: t.timeoutMs === undefined ? undefined : Duration.millis(t.timeoutMs),
    description: t.description as string,
    rateLimit: t.rateLimit as never,
  }));
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-model-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The template as a JSON template file (`timeout` as milliseconds). */
function file(t: FileTemplate): string {
  const { timeoutMs, ...fields } = t;
  const text = JSON.stringify({ ...fields, ...(timeoutMs === undefined ? {} : { timeout: `${timeoutMs}ms` }) });
  const filePath = path.join(dir, `t${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(filePath, text);
  return filePath;
}

function viaApiTemplateFromFile(t: FileTemplate): Verdict {
  const filePath = file(t);
  return synthError(() => ApiTemplate.fromFile(filePath));
}

function viaCliFileReader(t: FileTemplate): Verdict {
  const [report] = readTemplateFileReports([file(t)]);
  if (report.error !== undefined) return `unreadable: ${report.error}`;
  const problems = report.entries[0].problems;
  return problems.length === 0 ? 'accepted' : /^(\w+): /.exec(problems[0])?.[1] ?? `unnamed: ${problems[0]}`;
}

/** The table item: the construct's own for a valid template, else the same attributes by hand. */
function item(t: FileTemplate): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    [TemplateAttribute.NAME]: t.name,
    [TemplateAttribute.METHOD]: typeof t.method === 'string' ? t.method.toUpperCase() : t.method,
    [TemplateAttribute.URL]: t.url,
    [TemplateAttribute.HEADERS]: t.headers,
    [TemplateAttribute.PAYLOAD]: t.payload,
    [TemplateAttribute.TIMEOUT_MS]: t.timeoutMs,
    [TemplateAttribute.DESCRIPTION]: t.description,
    [TemplateAttribute.RATE_LIMIT]: t.rateLimit,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function viaSeeder(t: FileTemplate): Verdict {
  // CloudFormation hands every scalar property over as a string.
  const timeout = t.timeoutMs === undefined ? {} : { [TemplateAttribute.TIMEOUT_MS]: String(t.timeoutMs) };
  const seeded = { ...item(t), ...timeout, ...stringNumbers(t.rateLimit) };
  try {
    validTemplates({ TableName: 't', Templates: [seeded] });
    return 'accepted';
  } catch (error) {
    const attribute = /\): attribute (\w+) /.exec((error as Error).message)?.[1];
    return attribute === undefined ? `unnamed: ${(error as Error).message}` : fieldOfAttribute(attribute);
  }
}

/** A rate limit's numbers as CloudFormation hands them over: strings. */
function stringNumbers(rateLimit: unknown): Record<string, unknown> {
  if (typeof rateLimit !== 'object' || rateLimit === null) return {};
  return { [TemplateAttribute.RATE_LIMIT]: Object.fromEntries(Object.entries(rateLimit).map(([key, value]) => [key, String(value)])) };
}

function viaRenderer(t: FileTemplate): Verdict {
  try {
    decodeTemplateItem({ Item: marshall(item(t)) });
    return 'accepted';
  } catch (error) {
    if ((error as Error).name !== ApiCallerErrors.INVALID_TEMPLATE) return `${(error as Error).name}: ${(error as Error).message}`;
    const attribute = /^attribute (\w+) /.exec((error as Error).message)?.[1];
    return attribute === undefined ? `unnamed: ${(error as Error).message}` : fieldOfAttribute(attribute);
  }
}

describe.each(TABLE)('%s', (_case, template, field, rendererDifference) => {
  const expected = field ?? 'accepted';

  test(`the model: ${field === undefined ? 'no problem' : `a problem with ${field} first`}`, () => {
    const problems = TemplateRules.problemsOf({
      ...template,
      method: typeof template.method === 'string' ? template.method.toUpperCase() : template.method,
    } as never);
    expect(problems[0]?.field ?? 'accepted').toBe(expected);
  });

  test('every entry point agrees', () => {
    expect({
      'ApiTemplate.of': viaApiTemplateOf(template),
      'ApiTemplate.fromFile': viaApiTemplateFromFile(template),
      'CLI file reader': viaCliFileReader(template),
      'seeding custom resource': viaSeeder(template),
      'renderer': viaRenderer(template),
    }).toEqual({
      'ApiTemplate.of': expected,
      'ApiTemplate.fromFile': expected,
      'CLI file reader': expected,
      'seeding custom resource': expected,
      'renderer': rendererDifference === undefined ? expected : 'accepted',
    });
  });

  if (rendererDifference === 'sends no body') {
    test('the renderer, whose contract sends GET and HEAD without a body, does not read the payload', () => {
      expect(decodeTemplateItem({ Item: marshall(item(template)) }).payload).toBeUndefined();
    });
  }

  if (field === undefined) {
    test('the construct\'s own item passes the seeder and the renderer', () => {
      const construct = templateItem(ApiTemplate.fromFile(file(template))[0]);
      expect(() => validTemplates({ TableName: 't', Templates: [construct] })).not.toThrow();
      expect(() => decodeTemplateItem({ Item: marshall(construct) })).not.toThrow();
    });
  }
});

describe('the model', () => {
  test('lists every problem, in field order', () => {
    expect(TemplateRules.problemsOf({ name: 'a', method: 'GET', url: 'ftp://x', headers: { 'a b': 'x' }, payload: 'p', timeoutMs: 0 }).map(p => p.field))
      .toEqual(['url', 'headers', 'payload', 'timeout']);
  });

  test('a value it names is cut short and escaped: no message carries a long or multi-line text', () => {
    const [problem] = TemplateRules.problemsOf({ name: 'a', method: `GET\n${'x'.repeat(500)}`, url: 'https://a' });
    expect(problem.message).not.toMatch(/\n/);
    expect(problem.message.length).toBeLessThan(200);
  });

  test('null counts as absent (a DynamoDB NULL, an empty YAML value)', () => {
    expect(TemplateRules.problemsOf({ ...GET, headers: null, payload: null, timeoutMs: null, description: null } as never)).toEqual([]);
  });

  test('HttpMethod and the methods the model allows are one list', () => {
    expect(TemplateLimits.METHODS).toEqual(Object.values(HttpMethod));
    expect(TemplateLimits.BODYLESS_METHODS).toEqual(['GET', 'HEAD']);
    expect(Object.isFrozen(TemplateLimits.METHODS)).toBe(true);
  });

  test('the header-name pattern is an RFC 9110 token', () => {
    expect(['Accept', 'X-Api-Key', "!#$%&'*+.^_`|~"].every(TemplateLimits.isHeaderName)).toBe(true);
    expect(['', 'X Trace', 'X:A', 'Ä', 'a\n'].some(TemplateLimits.isHeaderName)).toBe(false);
  });

  test('the renderer takes a plain item without its key (the workflow hands over what the key found), which the other entry points refuse', () => {
    expect(() => decodeTemplateItem({ SK: 'GET', url: 'https://a' })).not.toThrow();
    expect(() => validTemplates({ TableName: 't', Templates: [{ SK: 'GET', url: 'https://a' }] })).toThrow(/attribute PK is missing or empty/);
    expect(viaCliFileReader({ method: 'GET', url: 'https://a' })).toBe(TemplateField.NAME);
  });
});

describe('the defaults: the construct deploys them, the renderer applies them when a variable is left out', () => {
  const { template } = build({}, (stack) => ({ secrets: { apiKey: new secretsmanager.Secret(stack, 'ApiKey') } }));
  const environment: Record<string, string> = only(template, 'AWS::Lambda::Function').resource.Properties.Environment.Variables;
  const unset = readConfig({});

  test('the construct deploys RendererDefaults', () => {
    expect(environment).toMatchObject({
      [RendererEnvironment.RETRYABLE_STATUSES]: RendererDefaults.RETRYABLE_STATUSES.join(','),
      [RendererEnvironment.MAX_RESPONSE_BYTES]: String(RendererDefaults.MAX_RESPONSE_BYTES),
      [RendererEnvironment.DEFAULT_TIMEOUT_MS]: String(RendererDefaults.CALL_TIMEOUT_MS),
      [RendererEnvironment.SECRETS_CACHE_TTL_SECONDS]: String(RendererDefaults.SECRETS_CACHE_TTL_SECONDS),
    });
  });

  test('the renderer without those variables behaves as deployed', () => {
    const deployed = Object.fromEntries([
      RendererEnvironment.RETRYABLE_STATUSES, RendererEnvironment.MAX_RESPONSE_BYTES,
      RendererEnvironment.DEFAULT_TIMEOUT_MS, RendererEnvironment.SECRETS_CACHE_TTL_SECONDS,
    ].map(name => [name, environment[name]]));
    expect(readConfig(deployed)).toMatchObject({
      retryableStatuses: unset.retryableStatuses,
      maxResponseBytes: unset.maxResponseBytes,
      defaultTimeoutMs: unset.defaultTimeoutMs,
      secretsCacheTtlMs: unset.secretsCacheTtlMs,
    });
  });

  test('the @default docs of the props say the same', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'templated-api-caller.ts'), 'utf8');
    const defaultOf = (prop: string) => new RegExp(`@default ([^\\n]*)\\n\\s*\\*/\\n\\s*readonly ${prop}\\?`).exec(source)?.[1];
    expect(defaultOf('retryableStatuses')).toBe(`[${RendererDefaults.RETRYABLE_STATUSES.join(', ')}]`);
    expect(defaultOf('maxResponseSize')).toBe(`Size.kibibytes(${RendererDefaults.MAX_RESPONSE_BYTES / 1024})`);
    expect(defaultOf('defaultCallTimeout')).toBe(`Duration.seconds(${RendererDefaults.CALL_TIMEOUT_MS / 1000})`);
    expect(defaultOf('secretsCacheTtl')).toBe(`Duration.minutes(${RendererDefaults.SECRETS_CACHE_TTL_SECONDS / 60})`);
  });
});

describe('a bad renderer environment variable', () => {
  test('is a RendererConfigurationError, not InvalidTemplateError', () => {
    expect(() => readConfig({ [RendererEnvironment.RETRYABLE_STATUSES]: 'abc' }))
      .toThrow(expect.objectContaining({ name: ApiCallerErrors.RENDERER_CONFIGURATION }));
  });

  test('is never retried by the workflow', () => {
    expect(RetryPolicy.CALL_API_ERRORS).not.toContain(ApiCallerErrors.RENDERER_CONFIGURATION);
  });
});
