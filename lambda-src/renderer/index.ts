// The renderer Lambda (DESIGN.md, "The renderer contract"): decode the template item, render
// url, headers and payload with params, guard the destination, call it, return the response.
import { loggedRequestHeaders, loggedResponseHeaders, writeCallLog } from './call-log';
import { rendererConfig, type RendererConfig } from './config';
import { assertAllowedHost } from './destination-guard';
import { ApiTimeoutError, InvalidTemplateError, RetryableHttpError, RetryAfterWait } from './errors';
import { executionContext, refuseReservedParam, withIdempotencyKey, type ExecutionContext } from './execution-context';
import { sendRequest, type HttpResponse } from './http-client';
import { decodeTemplateItem, isPlainObject, type TemplateItem } from './item';
import { takeToken } from './rate-limit';
import { paramSecrets, Redactor } from './redaction';
import { renderRequest } from './request';
import type { ResponseOffload } from './response/body-offload';
import { decodeBody } from './response/decode-body';
import { earlierAttempts, retryAfterDecision, withEarlierAttempts } from './response/retry-after';
import { templateSecrets } from './secrets';
import { RendererEnvironment, TemplateContext } from '../../src/contract';

export { closeHttpAgent } from './http-client';
export { resetRendererConfig } from './config';
export { resetSecretsCache } from './secrets';

export interface RendererEvent {
  /** The GetItem output (`{ Item }`), a bare Item in AttributeValue form, or a plain object. */
  readonly template: unknown;
  readonly params?: unknown;
  /** `{ id, name, startTime, retryCount }` from `$$.Execution` and `$$.State.RetryCount` (see `ExecutionContextField`). */
  readonly execution?: unknown;
}

export interface RendererResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** The part of the Lambda context the renderer uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the Lambda deadline to return a timeout error instead of being killed. */
const DEADLINE_MARGIN_MS = 500;

export async function handler(event: RendererEvent, context?: LambdaContext): Promise<RendererResult> {
  // process.hrtime, not perf_hooks: loading perf_hooks cost ~4 ms of every cold start.
  const started = process.hrtime.bigint();
  const config = rendererConfig();
  let params: Record<string, unknown> = {};
  let item: TemplateItem | undefined;
  let host = '';
  let response: HttpResponse | undefined;
  // Everything that leaves the function (result, error, log line) passes through it.
  let redactor = Redactor.NONE;
  let execution: ExecutionContext | undefined;
  let rateLimitWaitMs: number | undefined;
  try {
    params = eventParams(event);
    redactor = Redactor.NONE.with(paramSecrets(params, config));
    execution = withEarlierAttempts(executionContext(event as unknown as Record<string, unknown>), event as unknown as Record<string, unknown>);
    refuseReservedParam(params);
    // The whole state is the event: it names what was looked up when nothing was found.
    item = decodeTemplateItem(event.template, event as { templateName?: unknown; method?: unknown });
    // Secrets join the context after the params (which may not name them) and are rendered in
    // one pass: nothing a param holds is ever rendered as a template.
    const secrets = await templateSecrets(templateSources(item), params, config);
    redactor = redactor.with(secrets.values);
    // Templates only read the context: the params themselves serve when nothing joins them.
    const templateContext = execution === undefined && secrets.context === undefined ? params : {
      ...params,
      ...(execution === undefined ? {} : { [TemplateContext.EXECUTION]: execution }),
      ...(secrets.context === undefined ? {} : { [TemplateContext.SECRETS]: secrets.context }),
    };
    const rendered = renderRequest(item, templateContext);
    const request = { ...rendered, headers: withIdempotencyKey(rendered.headers, execution) };
    host = request.url.host;
    assertAllowedHost(request.url.hostname.replace(/^\[(.*)\]$/, '$1'), config);
    // Last before sending: a token is spent only on a call that will be made.
    if (item.rateLimit !== undefined) rateLimitWaitMs = (await takeToken(item, item.rateLimit, config.rateLimitTable)).waitedMs;
    // A template with `auth` sends (its pages too) under its profile.
    const send = item.auth === undefined ? sendRequest : authenticatedSender(item.auth, config, (values) => { redactor = redactor.with(values); });
    response = await send({
      ...request,
      timeoutMs: callTimeout(item, config, context),
      maxResponseBytes: config.maxResponseBytes,
      offload: largeResponseOffload(item, execution, config),
    });
    if (config.retryableStatuses.has(response.statusCode)) {
      const attempt = execution?.attempt ?? 1;
      const decision = retryAfterDecision(response.headers['retry-after'], attempt, earlierAttempts(event as unknown as Record<string, unknown>) > 0);
      if (decision.kind === 'backoff') throw new RetryableHttpError(response.statusCode, response.headers['retry-after']);
      // The workflow catches it and waits in its Wait state; 'stands': the status check fails the call.
      if (decision.kind === 'wait') throw new RetryAfterWait(decision.seconds, attempt);
    }
    const first = response;
    const timeoutMs = () => callTimeout(item!, config, context);
    // Response templates are loaded only for templates that have them.
    // Each further page is a call to the API too: under a rate limit it takes its own slot.
    const rateLimit = item.rateLimit;
    const sendPage: typeof send = rateLimit === undefined ? send : async (page) => {
      rateLimitWaitMs = (rateLimitWaitMs ?? 0) + (await takeToken(item!, rateLimit, config.rateLimitTable)).waitedMs;
      return send(page);
    };
    const processed = item.response !== undefined || item.pagination !== undefined
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ? await (require('./response/process-response') as typeof import('./response/process-response')).processResponse(item, templateContext, first, {
        request, config, timeoutMs, send: sendPage,
      })
      : { statusCode: first.statusCode, headers: first.headers, body: first.bodyLocation === undefined ? decodeBody(first) : null };
    // The response lands in the execution's output and history: an API echoing a secret back
    // must not put it there.
    const result = {
      statusCode: processed.statusCode,
      headers: redactor.value(processed.headers) as Record<string, string>,
      body: redactor.value(processed.body),
      // With large responses the workflow selects both fields: one of them is null.
      ...(process.env[RendererEnvironment.LARGE_RESPONSE_BUCKET] ? { bodyLocation: first.bodyLocation ?? null } : {}),
    };
    log(undefined);
    return result;
  } catch (error) {
    log(error as Error);
    // RetryAfterWait carries only numbers and fixed words, which the workflow parses: redacting a
    // short secret that happens to match them would break the wait.
    throw error instanceof RetryAfterWait ? error : redactor.error(error);
  }

  function log(error: Error | undefined): void {
    writeCallLog({
      template: item?.name ?? '',
      method: item?.method ?? '',
      host,
      status: response?.statusCode,
      durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1000) / 1000,
      attempt: execution?.attempt ?? 1,
      error: error?.name,
      requestHeaders: item === undefined ? undefined : loggedRequestHeaders(item.headers, config),
      responseHeaders: response === undefined ? undefined : loggedResponseHeaders(response.headers, config),
      rateLimitWaitMs,
    }, redactor, config.metricsNamespace === undefined ? undefined
      : { namespace: config.metricsNamespace, timeToFirstByteMs: response?.timeToFirstByteMs });
  }
}

/** Sends under an authentication profile; the code is loaded by the first template with `auth`. */
function authenticatedSender(profile: string, config: RendererConfig, redact: (values: readonly string[]) => void): typeof sendRequest {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./auth/authenticate') as typeof import('./auth/authenticate')).authenticatedSender(profile, config, redact);
}

/** Large responses (LARGE_RESPONSE_BUCKET set), loaded only then; never for a body response templates read. */
function largeResponseOffload(item: TemplateItem, execution: ExecutionContext | undefined, config: RendererConfig): ResponseOffload | undefined {
  if (!process.env[RendererEnvironment.LARGE_RESPONSE_BUCKET] || item.response !== undefined || item.pagination !== undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { offloadSettings, responseOffload } = require('./response/body-offload') as typeof import('./response/body-offload');
  return responseOffload(offloadSettings()!, execution, config.retryableStatuses);
}

function templateSources(item: TemplateItem): string[] {
  return [item.url, ...item.headers.map(([, source]) => source), ...(item.payload === undefined ? [] : [item.payload]),
    ...(item.response === undefined ? [] : [item.response]), ...(item.pagination === undefined ? [] : [item.pagination.next, item.pagination.items])];
}

function eventParams(event: RendererEvent): Record<string, unknown> {
  if (!isPlainObject(event)) {
    throw new InvalidTemplateError('the event must be an object');
  }
  const params = event.params;
  if (params === undefined || params === null) {
    return {};
  }
  if (!isPlainObject(params)) {
    throw new InvalidTemplateError('event.params must be an object');
  }
  return params;
}

function callTimeout(item: TemplateItem, config: RendererConfig, context: LambdaContext | undefined): number {
  const timeoutMs = item.timeoutMs ?? config.defaultTimeoutMs;
  if (context === undefined || typeof context.getRemainingTimeInMillis !== 'function') {
    return timeoutMs;
  }
  const remaining = context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  if (remaining <= 0) {
    throw new ApiTimeoutError('the function has no time left for the call');
  }
  return Math.min(timeoutMs, remaining);
}
