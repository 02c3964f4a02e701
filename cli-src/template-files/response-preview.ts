// What a template's response templates make of a sample response (`render --response-file`):
// the mapping's JSON, and for pagination the page's items and the next URL, rendered with the
// renderer's own code.
import { InvalidTemplateError } from '../../lambda-src/renderer/errors';
import { decodeTemplateItem, isPlainObject } from '../../lambda-src/renderer/item';
import { renderResponseJson, renderResponseTemplate, type ResponseView } from '../../lambda-src/renderer/response/response-mapping';

/** What the response templates rendered; only the parts the template has. */
export interface ResponsePreview {
  /** The mapped body (`response`). */
  readonly body?: unknown;
  /** This page's items (`pagination.items`). */
  readonly items?: unknown[];
  /** The next page's URL, '' when this is the last (`pagination.next`). */
  readonly next?: string;
}

/**
 * A sample response as a file gives it: `{ "status": 200, "headers": {...}, "body": ... }`
 * (status defaults to 200; header names are read in lower case, as the renderer gives them).
 */
export function responseView(sample: unknown): ResponseView {
  if (!isPlainObject(sample)) throw new InvalidTemplateError('the sample response must be a JSON object with status, headers and body');
  const status = sample.status ?? 200;
  if (!Number.isInteger(status)) throw new InvalidTemplateError('the sample response\'s status must be a whole number');
  const headers = sample.headers ?? {};
  if (!isPlainObject(headers) || !Object.values(headers).every(value => typeof value === 'string')) {
    throw new InvalidTemplateError('the sample response\'s headers must be an object of strings');
  }
  return {
    status: status as number,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value as string])),
    body: sample.body,
  };
}

export function previewResponse(plainItem: Record<string, unknown>, context: Record<string, unknown>, sample: ResponseView): ResponsePreview {
  const item = decodeTemplateItem(plainItem);
  if (item.response === undefined && item.pagination === undefined) {
    throw new InvalidTemplateError('the template has neither response nor pagination: nothing to render from a response');
  }
  let preview: ResponsePreview = {};
  let body = sample.body;
  if (item.pagination !== undefined) {
    const items = renderResponseJson(item.pagination.items, context, sample, 'pagination.items');
    const next = renderResponseTemplate(item.pagination.next, context, sample, 'pagination.next').trim();
    preview = { items: items as unknown[], next };
    // The mapping sees what pagination makes of a single page.
    body = { items, pages: 1, truncated: false };
  }
  if (item.response !== undefined) {
    preview = { ...preview, body: renderResponseJson(item.response, context, { ...sample, body }, 'response') };
  }
  return preview;
}
