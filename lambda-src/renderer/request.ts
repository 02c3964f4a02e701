// Template item + params → the request to send: rendered url (http or https only), headers
// (no line breaks smuggled in through params) and body (none for GET and HEAD).
import { InvalidTemplateError } from './errors';
import type { TemplateItem } from './item';
import { renderTemplate } from './render';
import { TemplateLimits } from '../../src/contract';

export interface RenderedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

export function renderRequest(item: TemplateItem, params: object): RenderedRequest {
  return {
    method: item.method,
    url: renderUrl(item.url, params),
    headers: renderHeaders(item.headers, params),
    body: item.payload === undefined || TemplateLimits.BODYLESS_METHODS.includes(item.method) ? undefined : renderTemplate(item.payload, params, 'payload'),
  };
}

function renderUrl(source: string, params: object): URL {
  const rendered = renderTemplate(source, params, 'url').trim();
  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    throw new InvalidTemplateError('url: the rendered url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // The scheme is rendered text (it could hold a param or secret): it is not quoted.
    throw new InvalidTemplateError('url: the rendered url must be http or https');
  }
  return url;
}

function renderHeaders(templates: TemplateItem['headers'], params: object): Record<string, string> {
  // No prototype: `__proto__` is a legal header name, and would be dropped on a plain object.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, source] of templates) {
    const value = renderTemplate(source, params, `header ${name}`);
    if (UNSAFE_HEADER_VALUE.test(value)) {
      throw new InvalidTemplateError(`header ${name}: the rendered value contains a line break or NUL`);
    }
    headers[name] = value;
  }
  return headers;
}
