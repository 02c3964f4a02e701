// First slice of the renderer Lambda (see DESIGN.md, "The renderer contract"):
// render the template item with nunjucks and make the call with undici.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as nunjucks from 'nunjucks';
import { request } from 'undici';
import { ApiCallerErrors, TemplateAttribute } from '../../src/contract';

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

export interface RendererEvent {
  readonly template: Record<string, any>;
  readonly params?: Record<string, unknown> | null;
}

export interface RendererResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export async function handler(event: RendererEvent): Promise<RendererResult> {
  if (!event || typeof event.template !== 'object' || event.template === null) {
    throw namedError(ApiCallerErrors.INVALID_TEMPLATE, 'event.template must be an object');
  }
  const item = event.template[TemplateAttribute.NAME]?.S !== undefined ? unmarshall(event.template) : event.template;
  const params = event.params ?? {};
  const render = (source: string) => {
    try {
      return env.renderString(source, params);
    } catch (e) {
      throw namedError(ApiCallerErrors.TEMPLATE_RENDER, (e as Error).message);
    }
  };
  const method = String(item[TemplateAttribute.METHOD]).toUpperCase();
  const url = render(String(item[TemplateAttribute.URL]));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(item[TemplateAttribute.HEADERS] ?? {})) {
    headers[name] = render(String(value));
  }
  const payload = item[TemplateAttribute.PAYLOAD];
  const body = payload === undefined || method === 'GET' || method === 'HEAD' ? undefined : render(String(payload));
  const response = await request(url, { method: method as any, headers, body });
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const isJson = /[/+]json\b/.test(responseHeaders['content-type'] ?? '');
  const text = await response.body.text();
  return {
    statusCode: response.statusCode,
    headers: responseHeaders,
    body: isJson && text.length > 0 ? JSON.parse(text) : text,
  };
}
