// Params flow into headers and URLs. Generated values full of line breaks, NULs, URL delimiters
// and unicode must never split a header, never change a URL's host unnoticed: the request is
// either refused with a named error or carries exactly what the template says.
import fc from 'fast-check';
import { readConfig } from '../../lambda-src/renderer/config';
import { assertAllowedHost } from '../../lambda-src/renderer/destination-guard';
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { renderRequest } from '../../lambda-src/renderer/request';

const HOSTILE = ['\r', '\n', '\r\n', '\0', ' ', ':', '/', '\\', '@', '#', '?', '%', '%0d%0a', '.', '[', ']', 'evil.com', 'a', '\u2028', '\u0085', 'é', '\t'];
const value = fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));

function item(url: string, headers: Record<string, string> = {}) {
  return decodeTemplateItem({ PK: 't', SK: 'GET', url, headers });
}

test('a header value rendered from a param is sent exactly, or refused when it would split the header', () => {
  fc.assert(fc.property(value, (v) => {
    try {
      const request = renderRequest(item('https://api.example.com/', { 'X-Value': '{{ v }}' }), { v });
      expect(request.headers['X-Value']).toBe(v);
      expect(/[\r\n\0]/.test(v)).toBe(false);
    } catch (error) {
      expect((error as Error).name).toBe('InvalidTemplateError');
      expect(/[\r\n\0]/.test(v)).toBe(true);
    }
  }), { numRuns: 500 });
});

test('an urlencoded param in the path or query never changes the host', () => {
  fc.assert(fc.property(value, (v) => {
    const request = renderRequest(item('https://api.example.com/items/{{ v | urlencode }}?q={{ v | urlencode }}'), { v });
    expect(request.url.host).toBe('api.example.com');
  }), { numRuns: 500 });
});

test('a raw param in the host is caught by allowedHosts whatever it holds', () => {
  const config = readConfig({ ALLOWED_HOSTS: '*.example.com' });
  fc.assert(fc.property(value, (v) => {
    let host: string;
    try {
      host = renderRequest(item('https://{{ v }}.example.com/'), { v }).url.hostname;
    } catch (error) {
      expect((error as Error).name).toBe('InvalidTemplateError');
      return;
    }
    try {
      assertAllowedHost(host, config);
      expect(host.endsWith('.example.com')).toBe(true);
    } catch (error) {
      expect((error as Error).name).toBe('BlockedDestinationError');
    }
  }), { numRuns: 500 });
});
