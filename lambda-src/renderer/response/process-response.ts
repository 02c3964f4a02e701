// What a successful response becomes when its template has response templates: pages followed
// (pagination), then the body mapped (response). Loaded only for such templates.
import type { HttpResponse } from '../http-client';
import type { TemplateItem } from '../item';
import { decodeBody } from './decode-body';
import { pageFetcher, type PageRequestSettings } from './page-fetcher';
import { collectPages } from './pagination';
import { isSuccessStatus, mapResponse } from './response-mapping';

export interface ProcessedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export async function processResponse(
  item: TemplateItem, context: object, first: HttpResponse, settings: PageRequestSettings,
): Promise<ProcessedResponse> {
  const asIs = { statusCode: first.statusCode, headers: first.headers, body: decodeBody(first) };
  // Anything but 2xx reaches the status check as it came: neither followed nor mapped.
  if (!isSuccessStatus(first.statusCode)) return asIs;
  let response: ProcessedResponse = item.pagination === undefined ? asIs
    : await collectPages(item.pagination, context, settings.request.url, first, pageFetcher(first, settings));
  if (item.response !== undefined && isSuccessStatus(response.statusCode)) {
    const view = { status: response.statusCode, headers: response.headers, body: response.body };
    response = { ...response, body: mapResponse(item.response, context, view) };
  }
  return response;
}
