// Generated malformed input: always a named contract error, never a crash or a hang.
import fc from 'fast-check';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { renderTemplate } from '../../lambda-src/renderer/render';
import { ApiCallerErrors } from '../../src/contract';

const CONTRACT_ERRORS = new Set(Object.values(ApiCallerErrors));
const RUNS = { numRuns: 300 };

function expectNamedError(run: () => unknown, allowed: readonly string[]): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect(allowed).toContain((error as Error).name);
  }
}

const attributeValue = fc.oneof(
  fc.record({ S: fc.string() }), fc.record({ N: fc.oneof(fc.string(), fc.integer().map(String)) }), fc.record({ BOOL: fc.boolean() }),
  fc.record({ NULL: fc.constant(true) }), fc.record({ M: fc.dictionary(fc.string(), fc.record({ S: fc.string() })) }),
  fc.record({ L: fc.array(fc.record({ S: fc.string() })) }), fc.record({ X: fc.anything() }), fc.anything(),
);
const itemLike = fc.record({
  PK: fc.oneof(fc.string(), attributeValue),
  SK: fc.oneof(fc.constantFrom('GET', 'POST', 'get', 'BREW', ''), attributeValue, fc.anything()),
  url: fc.oneof(fc.string(), attributeValue),
  headers: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())), attributeValue),
  payload: fc.oneof(fc.string(), attributeValue),
  timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.string(), attributeValue),
}, { requiredKeys: [] });

const FRAGMENTS = [
  '{{', '}}', '{%', '%}', '{#', '#}', ' ', 'x', 'user', '.name', '[0]', "['k']", '|', 'upper', 'tojson', 'default(1)', 'map(attribute="a")',
  'selectattr("a")', 'urlencode', '~', '+', '*', '==', '<', 'and', 'or', 'not', 'if', 'else', 'endif', 'for', 'in', 'endfor', 'set', '=',
  'is', 'defined', 'none', '(', ')', '[', ']', '{', '}', ',', ':', '"s"', "'", '1', '-3', '2.5', 'range(3)', 'loop.index', 'constructor',
  '__proto__', 'macro', 'endmacro', 'call', 'caller()', 'raw', 'endraw', 'filter', '\n', '%', '\\', 'items()', 'true', 'None',
];
const template = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 24 }).map((parts) => parts.join(''));
const params = fc.oneof(
  fc.constant({ x: 1, user: { name: 'n', a: [1, 2] }, k: 'v' }),
  fc.dictionary(fc.constantFrom('x', 'user', 'k', 'items'), fc.jsonValue()),
);

describe('fuzzing', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    delete process.env.ALLOW_PRIVATE_NETWORKS;
    resetRendererConfig();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await closeHttpAgent();
  });

  test('the item decoder only ever raises InvalidTemplateError or TemplateNotFound', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), itemLike, itemLike.map((Item) => ({ Item }))), (input) => {
      expectNamedError(() => decodeTemplateItem(input), [ApiCallerErrors.INVALID_TEMPLATE, ApiCallerErrors.TEMPLATE_NOT_FOUND]);
    }), RUNS);
  });

  test('the renderer only ever raises TemplateRenderError, and returns a string otherwise', () => {
    fc.assert(fc.property(template, params, (source, context) => {
      let output: unknown = '';
      expectNamedError(() => { output = renderTemplate(source, context, 'payload'); }, [ApiCallerErrors.TEMPLATE_RENDER]);
      expect(typeof output).toBe('string');
    }), RUNS);
  });

  test('the handler rejects malformed events with a contract error, before any network access', async () => {
    const templateField = fc.oneof(fc.anything(), itemLike, itemLike.map((Item) => ({ Item })),
      template.map((url) => ({ SK: 'POST', url: `http://127.0.0.1:9/${url}`, payload: url })));
    await fc.assert(fc.asyncProperty(templateField, fc.oneof(params, fc.anything()), async (templateValue, paramsValue) => {
      const error = await handler({ template: templateValue, params: paramsValue }).then(() => undefined, (rejection: Error) => rejection);
      expect(error).toBeInstanceOf(Error);
      expect(CONTRACT_ERRORS.has(error!.name)).toBe(true);
    }), RUNS);
  });
});
