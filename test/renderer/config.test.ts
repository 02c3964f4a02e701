// Environment settings: defaults, formats and refusals.
import { readConfig } from '../../lambda-src/renderer/config';
import { DEFAULT_RENDER_LIMITS } from '../../lambda-src/renderer/render-budget';
import { ApiCallerErrors, RendererDefaults } from '../../src/contract';

describe('readConfig', () => {
  test('defaults', () => {
    const config = readConfig({});
    expect(config.allowPrivateNetworks).toBe(false);
    expect(config.allowedHosts).toEqual([]);
    expect([...config.retryableStatuses]).toEqual([429, 500, 502, 503, 504]);
    // The construct's default, 128 KiB: the renderer alone (no variable set) behaves as deployed.
    expect(config.maxResponseBytes).toBe(RendererDefaults.MAX_RESPONSE_BYTES);
    expect(RendererDefaults.MAX_RESPONSE_BYTES).toBe(128 * 1024);
    expect(config.defaultTimeoutMs).toBe(10_000);
    expect(config.redactHeaders.size).toBe(0);
    expect(config.secretParamNames).toEqual([]);
    expect(config.secretArns.size).toBe(0);
    expect(config.secretsCacheTtlMs).toBe(300_000);
  });

  test('reads every variable', () => {
    const config = readConfig({
      ALLOW_PRIVATE_NETWORKS: 'TRUE',
      ALLOWED_HOSTS: 'A.example.com, *.b.dev',
      RETRYABLE_STATUSES: '409, 503',
      MAX_RESPONSE_BYTES: '1000',
      DEFAULT_TIMEOUT_MS: '2500',
      REDACT_HEADERS: 'X-Internal',
      SECRET_PARAM_NAMES: 'token,pin',
      SECRET_ARNS: '{"apiKey":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf"}',
      SECRETS_CACHE_TTL_SECONDS: '0',
      RENDER_LIMITS: '{"maxSteps": 500, "timeoutMs": 250}',
    });
    expect(config).toEqual({
      allowPrivateNetworks: true,
      allowedHosts: ['a.example.com', '*.b.dev'],
      retryableStatuses: new Set([409, 503]),
      maxResponseBytes: 1000,
      defaultTimeoutMs: 2500,
      redactHeaders: new Set(['x-internal']),
      secretParamNames: ['token', 'pin'],
      secretArns: new Map([['apiKey', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf']]),
      secretsCacheTtlMs: 0,
      renderLimits: { ...DEFAULT_RENDER_LIMITS, maxSteps: 500, timeoutMs: 250 },
    });
  });

  test('only "true" allows private networks', () => {
    expect(readConfig({ ALLOW_PRIVATE_NETWORKS: 'yes' }).allowPrivateNetworks).toBe(false);
  });

  test.each([
    ['RETRYABLE_STATUSES', 'abc'], ['RETRYABLE_STATUSES', '700'], ['MAX_RESPONSE_BYTES', '-1'], ['DEFAULT_TIMEOUT_MS', '1.5'],
    ['SECRET_ARNS', 'arn:aws:secretsmanager:x'], ['SECRET_ARNS', '{"a":1}'], ['SECRET_ARNS', '["a"]'], ['SECRETS_CACHE_TTL_SECONDS', '-5'],
    ['RENDER_LIMITS', '[1]'], ['RENDER_LIMITS', '{"maxSteps": 0}'], ['RENDER_LIMITS', '{"maxSteps": 1.5}'], ['RENDER_LIMITS', '{"steps": 10}'], ['RENDER_LIMITS', 'x'],
  ])('refuses %s=%s as a configuration error (not the template\'s fault; never retried)', (name, value) => {
    expect(() => readConfig({ [name]: value }))
      .toThrow(expect.objectContaining({ name: ApiCallerErrors.RENDERER_CONFIGURATION, message: expect.stringMatching(new RegExp(name)) }));
  });
});
