// Redaction rules of the call log.
import { isSensitiveHeader, loggedRequestHeaders, loggedResponseHeaders } from '../../lambda-src/renderer/call-log';
import { readConfig } from '../../lambda-src/renderer/config';
import { paramSecrets, Redactor } from '../../lambda-src/renderer/redaction';

describe('call log redaction', () => {
  const config = readConfig({ REDACT_HEADERS: 'X-Internal', SECRET_PARAM_NAMES: 'token,short,missing' });

  test.each(['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'api_key', 'X-Auth-Token', 'X-Amz-Security-Token', 'X-Client-Secret', 'X-Internal'])(
    '%s is sensitive', (name) => {
      expect(isSensitiveHeader(name, config)).toBe(true);
    });

  test.each(['Accept', 'Content-Type', 'X-Request-Id', 'User-Agent'])('%s is not sensitive', (name) => {
    expect(isSensitiveHeader(name, config)).toBe(false);
  });

  test('secret param values are redacted wherever they appear; very short ones are not used', () => {
    const secrets = paramSecrets({ token: 'abc123xyz', short: 'ab', other: 'visible' }, config);
    expect(secrets).toEqual(['abc123xyz', 'ab']);
    expect(new Redactor(secrets).text('x-abc123xyz-y abc123xyz ab')).toBe('x-[REDACTED]-y [REDACTED] ab');
  });

  test('request headers: literal values shown, templated ones marked, sensitive ones redacted', () => {
    expect(loggedRequestHeaders([['Accept', 'application/json'], ['X-User', '{{ user }}'], ['Authorization', 'Basic literal']], config))
      .toEqual({ 'Accept': 'application/json', 'X-User': '[TEMPLATED]', 'Authorization': '[REDACTED]' });
  });

  test('response headers: sensitive ones redacted (secret values go with the whole line)', () => {
    expect(loggedResponseHeaders({ 'set-cookie': 'sid=1', 'x-echo': 'abc123xyz', 'content-type': 'text/plain' }, config))
      .toEqual({ 'set-cookie': '[REDACTED]', 'x-echo': 'abc123xyz', 'content-type': 'text/plain' });
  });
});
