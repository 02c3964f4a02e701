// The response templates: the mapping (`response`) and pagination's `next` and `items`, rendered
// with the params, `execution` and `response` ({ status, headers, body }) of the call.
import { isRendererError, ResponseMappingError } from '../errors';
import { renderTemplate } from '../render';

/** What response templates see as `response`. */
export interface ResponseView {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  /** Parsed JSON or text. */
  readonly body: unknown;
}

/** Name of the response in the templates' context (it hides a param of that name). */
const RESPONSE = 'response';

/** Renders a response template; every failure is a ResponseMappingError naming the part. */
export function renderResponseTemplate(source: string, context: object, response: ResponseView, part: string): string {
  try {
    return renderTemplate(source, { ...context, [RESPONSE]: response }, part);
  } catch (error) {
    if (isRendererError(error)) throw new ResponseMappingError((error as Error).message);
    throw error;
  }
}

/** The JSON a response template rendered; not JSON is a ResponseMappingError (its text is never quoted). */
export function renderResponseJson(source: string, context: object, response: ResponseView, part: string): unknown {
  const text = renderResponseTemplate(source, context, response, part);
  try {
    return JSON.parse(text);
  } catch {
    throw new ResponseMappingError(`${part}: the template did not render JSON (${text.trim() === '' ? 'empty output' : `${text.length} characters`}); use tojson to write values`);
  }
}

/** The body a mapping makes of a successful response. */
export function mapResponse(source: string, context: object, response: ResponseView): unknown {
  return renderResponseJson(source, context, response, 'response');
}

/** Response templates apply to 2xx responses; anything else reaches the status check as it came. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}
