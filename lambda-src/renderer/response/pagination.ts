// Follows the pages of a paginated API inside one invocation: `items` renders each page's items,
// `next` the next page's URL (relative to the current page's) or nothing. Every page goes through
// the same guarded client (destination guard, headers, deadline, size cap) as the first.
import { InvalidTemplateError, ResponseMappingError } from '../errors';
import type { HttpResponse } from '../http-client';
import { decodeBody } from './decode-body';
import { isSuccessStatus, renderResponseJson, renderResponseTemplate, type ResponseView } from './response-mapping';
import { RendererDefaults, type PaginationTemplate } from '../../../src/contract';

/** What pagination makes of the pages: the last page's status and headers, all items. */
export interface PagedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** `{ items, pages, truncated }`, or the body of a page that failed. */
  readonly body: unknown;
}

/** Fetches one more page; raises what the first call would (retryable statuses included). */
export type PageFetcher = (url: URL) => Promise<HttpResponse>;

/**
 * The items of every page, from `first` (the response to `firstUrl`) on. A page answering
 * outside 2xx ends it: that page is returned as the response, so the workflow's status check
 * fails the call with its status.
 */
export async function collectPages(
  pagination: PaginationTemplate, context: object, firstUrl: URL, first: HttpResponse, fetchPage: PageFetcher,
): Promise<PagedResponse> {
  const maxPages = pagination.maxPages ?? RendererDefaults.MAX_PAGES;
  const items: unknown[] = [];
  let url = firstUrl;
  let page = first;
  let pages = 1;
  for (;;) {
    const view: ResponseView = { status: page.statusCode, headers: page.headers, body: decodeBody(page) };
    const pageItems = renderResponseJson(pagination.items, context, view, 'pagination.items');
    if (!Array.isArray(pageItems)) {
      throw new ResponseMappingError(`pagination.items: page ${pages} did not render a JSON array`);
    }
    for (const item of pageItems) items.push(item);
    const next = renderResponseTemplate(pagination.next, context, view, 'pagination.next').trim();
    if (next === '') return paged(page, items, pages, false);
    if (pages >= maxPages) return paged(page, items, pages, true);
    url = nextUrl(next, url);
    page = await fetchPage(url);
    if (!isSuccessStatus(page.statusCode)) {
      return { statusCode: page.statusCode, headers: page.headers, body: decodeBody(page) };
    }
    pages++;
  }
}

function paged(page: HttpResponse, items: unknown[], pages: number, truncated: boolean): PagedResponse {
  return { statusCode: page.statusCode, headers: page.headers, body: { items, pages, truncated } };
}

function nextUrl(next: string, current: URL): URL {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw new InvalidTemplateError('pagination.next: the rendered URL is not valid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidTemplateError('pagination.next: the rendered URL must be http or https');
  }
  return url;
}
