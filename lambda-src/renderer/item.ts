// Decodes the template item (GetItem output, bare Item in AttributeValue form, or a plain
// object) and validates it with the template model's rules (src/template-model.ts, through the
// contract), naming the attribute in each refusal.
import { decodeAttributeMap } from './attribute-values';
import { InvalidTemplateError, TemplateNotFoundError } from './errors';
import { PaginationTemplate, PlainTemplate, RateLimit, TemplateAttribute, TemplateField, TemplateLimits, TemplateRules } from '../../src/contract';

export interface TemplateItem {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  /** [header name, value template] pairs, in item order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly payload?: string;
  readonly timeoutMs?: number;
  /** The response mapping template. */
  readonly response?: string;
  readonly pagination?: PaginationTemplate;
  /** The authentication profile the call uses. */
  readonly auth?: string;
  readonly rateLimit?: RateLimit;
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
  const hint = method !== method.toUpperCase() && TemplateLimits.METHODS.includes(method.toUpperCase())
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

/** The item attribute of each template field (the model speaks in fields, the table in attributes). */
const ATTRIBUTE_OF_FIELD: Readonly<Record<string, string>> = {
  [TemplateField.NAME]: TemplateAttribute.NAME,
  [TemplateField.METHOD]: TemplateAttribute.METHOD,
  [TemplateField.URL]: TemplateAttribute.URL,
  [TemplateField.HEADERS]: TemplateAttribute.HEADERS,
  [TemplateField.PAYLOAD]: TemplateAttribute.PAYLOAD,
  [TemplateField.TIMEOUT]: TemplateAttribute.TIMEOUT_MS,
  [TemplateField.DESCRIPTION]: TemplateAttribute.DESCRIPTION,
  [TemplateField.RESPONSE]: TemplateAttribute.RESPONSE,
  [TemplateField.PAGINATION]: TemplateAttribute.PAGINATION,
  [TemplateField.AUTH]: TemplateAttribute.AUTH,
  [TemplateField.RATE_LIMIT]: TemplateAttribute.RATE_LIMIT,
};

/** The item's values under the model's field names, unchecked; a `timeoutMs` of digits is a number. */
export function templateOfItem(item: PlainObject): PlainTemplate {
  const timeoutMs = own(item, TemplateAttribute.TIMEOUT_MS);
  return {
    name: own(item, TemplateAttribute.NAME),
    method: own(item, TemplateAttribute.METHOD),
    url: own(item, TemplateAttribute.URL),
    headers: own(item, TemplateAttribute.HEADERS),
    payload: own(item, TemplateAttribute.PAYLOAD),
    timeoutMs: typeof timeoutMs === 'string' && /^\s*\d+\s*$/.test(timeoutMs) ? Number(timeoutMs) : timeoutMs,
    description: own(item, TemplateAttribute.DESCRIPTION),
    response: own(item, TemplateAttribute.RESPONSE),
    pagination: own(item, TemplateAttribute.PAGINATION),
    auth: own(item, TemplateAttribute.AUTH),
    rateLimit: numbersOf(own(item, TemplateAttribute.RATE_LIMIT)),
  } as PlainTemplate;
}

/** The model's problems with a template, in attribute names: `attribute SK must be one of ...`. */
export function attributeProblems(template: PlainTemplate): string[] {
  return TemplateRules.problemsOf(template).map(({ field, message }) => `attribute ${ATTRIBUTE_OF_FIELD[field] ?? field} ${message}`);
}

/**
 * The item as the renderer reads it, checked by the model's rules, with two differences the
 * renderer contract fixes: a GET or HEAD request is sent without a body, so a payload on one is
 * not read (the construct, the CLI and the seeder refuse to write it); and an item without its
 * key (`PK`) is taken, since the workflow hands over the item its key found.
 */
function validateItem(item: PlainObject): TemplateItem {
  const stored = templateOfItem(item);
  const bodyless = typeof stored.method === 'string' && TemplateLimits.BODYLESS_METHODS.includes(stored.method);
  const template: PlainTemplate = bodyless ? { ...stored, payload: undefined } : stored;
  const nameless = template.name === undefined || template.name === null;
  const problems = attributeProblems(template).filter((problem) => !(nameless && problem.startsWith(`attribute ${TemplateAttribute.NAME} `)));
  if (problems.length > 0) {
    throw new InvalidTemplateError(problems[0]);
  }
  const headers = template.headers;
  return {
    name: template.name ?? '',
    method: template.method,
    url: template.url,
    headers: headers === undefined || headers === null ? [] : Object.entries(headers),
    payload: template.payload ?? undefined,
    timeoutMs: template.timeoutMs ?? undefined,
    response: template.response ?? undefined,
    pagination: template.pagination ?? undefined,
    auth: template.auth ?? undefined,
    rateLimit: template.rateLimit ?? undefined,
  };
}

/** CloudFormation hands the seeder numbers as strings: a map's values of digits are numbers again. */
function numbersOf(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) =>
    [key, typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v]));
}

/**
 * The parts of a template that are Jinja2 templates, named as render errors name them, whatever
 * their type (a part that is not a string has no syntax to check).
 */
export function templateParts(template: PlainTemplate): Array<[string, unknown]> {
  const { url, headers, payload, response, pagination } = template as unknown as PlainObject;
  const parts: Array<[string, unknown]> = [['url', url]];
  if (isPlainObject(headers)) parts.push(...Object.entries(headers).map(([name, source]): [string, unknown] => [`header ${name}`, source]));
  parts.push(['payload', payload], ['response', response]);
  if (isPlainObject(pagination)) parts.push(['pagination.next', pagination.next], ['pagination.items', pagination.items]);
  return parts.filter(([, source]) => source !== undefined && source !== null);
}

/** Own attributes only: nothing is read through a prototype. */
function own(item: PlainObject, attribute: string): unknown {
  return Object.prototype.hasOwnProperty.call(item, attribute) ? item[attribute] : undefined;
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
