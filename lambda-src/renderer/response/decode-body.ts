// A response body as the workflow and the response templates see it: parsed JSON when the
// content type is JSON, else text.
import type { HttpResponse } from '../http-client';

const JSON_CONTENT_TYPE = /[/+]json\s*(;|$)/i;

export function decodeBody(response: Pick<HttpResponse, 'headers' | 'body'>): unknown {
  const text = response.body.toString('utf8');
  if (text.length > 0 && JSON_CONTENT_TYPE.test(response.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // a JSON content type with a broken body: hand over what arrived
    }
  }
  return text;
}
