// Decodes the template item (GetItem output, bare Item in AttributeValue form, or a plain
// object) and validates every attribute, naming the attribute in each refusal.
import { decodeAttributeMap } from './attribute-values';
import { InvalidTemplateError, TemplateNotFoundError } from './errors';
import {
  HEADER_NAME, HTTP_METHODS, MAX_HEADERS, MAX_HEADER_TEMPLATE_CHARS, MAX_PAYLOAD_TEMPLATE_CHARS,
  MAX_TIMEOUT_MS, MAX_URL_TEMPLATE_CHARS, MIN_TIMEOUT_MS,
} from './limits';
import { ReservedRequestHeaders, TemplateAttribute } from '../../src/contract';

export interface TemplateItem {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  /** [header name, value template] pairs, in item order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly payload?: string;
  readonly timeoutMs?: number;
}

type PlainObject = Record<string, unknown>;

const ATTRIBUTE_VALUE_TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** What the execution looked up (its `templateName` and `method`), to name it when nothing is found. */
export interface TemplateLookup {
  readonly templateName?: unknown;
  readonly method?: unknown;
}

export function decodeTemplateItem(template: unknown, lookup: TemplateLookup = {}): TemplateItem {
  if (!isPlainObject(template)) {
    throw new InvalidTemplateError('event.template must be an object');
  }
  return validateItem(toPlainItem(unwrapGetItemOutput(template, lookup)));
}

const ITEM_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(TemplateAttribute) as string[]);

/**
 * The workflow passes getItem's whole result: `{ Item }` when the template exists. Without a
 * match there is no `Item`, only what the service adds next to it: Step Functions' optimized
 * integration adds `SdkHttpMetadata` and `SdkResponseMetadata`, the SDK `$metadata` and maybe
 * `ConsumedCapacity`. So: no `Item` and no template attribute means no template.
 */
function unwrapGetItemOutput(template: PlainObject, lookup: TemplateLookup): PlainObject {
  if ('Item' in template) {
    if (!isPlainObject(template.Item)) {
      throw new InvalidTemplateError('event.template.Item must be an object');
    }
    return template.Item;
  }
  if (!Object.keys(template).some((key) => ITEM_ATTRIBUTES.has(key))) {
    throw new TemplateNotFoundError(notFoundMessage(lookup));
  }
  return template;
}

function notFoundMessage({ templateName, method }: TemplateLookup): string {
  if (typeof templateName !== 'string' || typeof method !== 'string') {
    return 'no template item: the GetItem result has no Item';
  }
  // Names and methods are short identifiers in practice; a long one is cut, never echoed whole.
  const name = JSON.stringify(templateName.slice(0, 200));
  const hint = method !== method.toUpperCase() && HTTP_METHODS.has(method.toUpperCase())
    ? ` (methods are upper case: ${method.toUpperCase()})` : '';
  return `no template ${name} for method ${JSON.stringify(method.slice(0, 16))}${hint}: the GetItem result has no Item`;
}

function toPlainItem(item: PlainObject): PlainObject {
  if (!isAttributeValueMap(item)) {
    return item;
  }
  return decodeAttributeMap(item, 'Item');
}

/** An item in AttributeValue form: every attribute is `{ <one type key>: value }`. */
function isAttributeValueMap(item: PlainObject): boolean {
  const method = item[TemplateAttribute.METHOD];
  return isPlainObject(method) && isAttributeValue(method) && Object.values(item).every(isAttributeValue);
}

function isAttributeValue(value: unknown): boolean {
  if (!isPlainObject(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && ATTRIBUTE_VALUE_TYPES.has(keys[0]);
}

function validateItem(item: PlainObject): TemplateItem {
  const name = optionalString(item, TemplateAttribute.NAME, 1024) ?? '';
  const method = requiredString(item, TemplateAttribute.METHOD, 16);
  if (!HTTP_METHODS.has(method)) {
    throw new InvalidTemplateError(`attribute ${TemplateAttribute.METHOD} must be one of ${[...HTTP_METHODS].join(', ')} (upper case)`);
  }
  return {
    name,
    method,
    url: requiredString(item, TemplateAttribute.URL, MAX_URL_TEMPLATE_CHARS),
    headers: headerTemplates(own(item, TemplateAttribute.HEADERS)),
    payload: optionalString(item, TemplateAttribute.PAYLOAD, MAX_PAYLOAD_TEMPLATE_CHARS),
    timeoutMs: timeout(own(item, TemplateAttribute.TIMEOUT_MS)),
  };
}

function requiredString(item: PlainObject, attribute: string, maxChars: number): string {
  const value = optionalString(item, attribute, maxChars);
  if (value === undefined || value === '') {
    throw new InvalidTemplateError(`attribute ${attribute} is missing or empty`);
  }
  return value;
}

function optionalString(item: PlainObject, attribute: string, maxChars: number): string | undefined {
  const value = own(item, attribute);
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidTemplateError(`attribute ${attribute} must be a string`);
  }
  if (value.length > maxChars) {
    throw new InvalidTemplateError(`attribute ${attribute} is longer than ${maxChars} characters`);
  }
  return value;
}

function headerTemplates(headers: unknown): Array<[string, string]> {
  if (headers === undefined || headers === null) {
    return [];
  }
  const attribute = TemplateAttribute.HEADERS;
  if (!isPlainObject(headers)) {
    throw new InvalidTemplateError(`attribute ${attribute} must be a map of header name to string template`);
  }
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) {
    throw new InvalidTemplateError(`attribute ${attribute} has more than ${MAX_HEADERS} headers`);
  }
  const seen = new Set<string>();
  return entries.map(([name, value]) => {
    if (!HEADER_NAME.test(name)) {
      throw new InvalidTemplateError(`attribute ${attribute} has an invalid header name`);
    }
    if (ReservedRequestHeaders.isReserved(name)) {
      throw new InvalidTemplateError(`attribute ${attribute}: header ${name} decides where or how the request is sent; the renderer sets it`);
    }
    if (typeof value !== 'string') {
      throw new InvalidTemplateError(`attribute ${attribute}: header ${name} must be a string template`);
    }
    if (value.length > MAX_HEADER_TEMPLATE_CHARS) {
      throw new InvalidTemplateError(`attribute ${attribute}: header ${name} is longer than ${MAX_HEADER_TEMPLATE_CHARS} characters`);
    }
    const key = name.toLowerCase();
    if (seen.has(key)) {
      throw new InvalidTemplateError(`attribute ${attribute}: header ${name} appears twice`);
    }
    seen.add(key);
    return [name, value];
  });
}

function timeout(value: unknown): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw new InvalidTemplateError(`attribute ${TemplateAttribute.TIMEOUT_MS} must be an integer from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`);
  }
  return ms;
}

/** Own attributes only: nothing is read through a prototype. */
function own(item: PlainObject, attribute: string): unknown {
  return Object.prototype.hasOwnProperty.call(item, attribute) ? item[attribute] : undefined;
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
