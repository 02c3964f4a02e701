// The `link_header` filter: an RFC 8288 `Link` header as a dict of relation type to URL, so a
// pagination template can read `(response.headers.link | link_header).next`.

/**
 * `<https://api.example.com/items?page=2>; rel="next", </items?page=9>; rel="last"` →
 * `{ next: 'https://…?page=2', last: '/items?page=9' }`. A link with several relation types
 * (`rel="next last"`) is listed under each; the first link of a relation wins. URLs are returned
 * as written (pagination resolves relative ones against the page's URL). Absent or empty: `{}`.
 */
export function linkHeader(value: unknown): Record<string, string> {
  const links: Record<string, string> = {};
  if (value === undefined || value === null) return links;
  const text = String(value);
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('<', at);
    if (open < 0) break;
    const close = text.indexOf('>', open + 1);
    if (close < 0) break;
    const url = text.slice(open + 1, close).trim();
    const { params, end } = linkParams(text, close + 1);
    at = end;
    for (const rel of (params.rel ?? '').toLowerCase().split(/\s+/).filter((name) => name !== '')) {
      // defineProperty: a relation named __proto__ is data, never the prototype.
      if (!Object.prototype.hasOwnProperty.call(links, rel)) {
        Object.defineProperty(links, rel, { value: url, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return links;
}

/** The `; name=value` parameters after a link, up to the comma that ends it (quoted commas kept). */
function linkParams(text: string, start: number): { params: Record<string, string>; end: number } {
  const params: Record<string, string> = Object.create(null);
  let at = start;
  while (at < text.length) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (text[at] !== ';') break;
    at++;
    const nameEnd = scanUntil(text, at, /[=;,]/);
    const name = text.slice(at, nameEnd).trim().toLowerCase();
    at = nameEnd;
    let value = '';
    if (text[at] === '=') {
      at++;
      while (at < text.length && /\s/.test(text[at])) at++;
      if (text[at] === '"') {
        at++;
        while (at < text.length && text[at] !== '"') {
          if (text[at] === '\\' && at + 1 < text.length) at++;
          value += text[at++];
        }
        at++;
      } else {
        const valueEnd = scanUntil(text, at, /[;,]/);
        value = text.slice(at, valueEnd).trim();
        at = valueEnd;
      }
    }
    if (name !== '' && !(name in params)) params[name] = value;
  }
  // Skip to the comma separating this link from the next one.
  const comma = text.indexOf(',', at);
  return { params, end: comma < 0 ? text.length : comma + 1 };
}

function scanUntil(text: string, from: number, stop: RegExp): number {
  let at = from;
  while (at < text.length && !stop.test(text[at])) at++;
  return at;
}

/** Filters templates see besides Jinja2's (registered in template-environment.ts). */
export const RESPONSE_FILTERS = { link_header: linkHeader };
