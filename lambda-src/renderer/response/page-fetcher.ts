// Fetches the pages after the first through the same path as the first call: destination guard,
// the rendered headers, a timeout bounded by the function's remaining time, and one size cap for
// all pages together.
import type { RendererConfig } from '../config';
import { assertAllowedHost } from '../destination-guard';
import { RetryableHttpError, ResponseTooLargeError } from '../errors';
import type { HttpRequest, HttpResponse } from '../http-client';
import type { RenderedRequest } from '../request';
import type { PageFetcher } from './pagination';

/** How the first call was made, for the pages after it. */
export interface PageRequestSettings {
  /** The first request as sent (headers included). */
  readonly request: RenderedRequest;
  readonly config: RendererConfig;
  /** The call timeout now: the template's, cut to the function's remaining time. */
  readonly timeoutMs: () => number;
  /** Sends one request as the first was sent. */
  readonly send: (request: HttpRequest) => Promise<HttpResponse>;
}

export function pageFetcher(first: HttpResponse, { request, config, timeoutMs, send }: PageRequestSettings): PageFetcher {
  let received = first.body.length;
  return async (url) => {
    assertAllowedHost(url.hostname.replace(/^\[(.*)\]$/, '$1'), config);
    const remaining = config.maxResponseBytes - received;
    if (remaining <= 0) throw new ResponseTooLargeError(config.maxResponseBytes);
    let page: HttpResponse;
    try {
      page = await send({ ...request, url, timeoutMs: timeoutMs(), maxResponseBytes: remaining });
    } catch (error) {
      // The cap is on all pages together: name it, not what was left of it.
      if (error instanceof ResponseTooLargeError) throw new ResponseTooLargeError(config.maxResponseBytes);
      throw error;
    }
    received += page.body.length;
    // A transient failure mid-way retries the whole call: the pages so far are not kept.
    if (config.retryableStatuses.has(page.statusCode)) throw new RetryableHttpError(page.statusCode, page.headers['retry-after']);
    return page;
  };
}
