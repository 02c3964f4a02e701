// The template model: a template's fields, the limits and rules of a valid template, and the
// defaults the construct and the renderer share. Every entry point checks templates here: the
// construct at synth (ApiTemplate), the CLI (template files), the seeding custom resource and the
// renderer (table items). contract.ts re-exports it, so the renderer reaches it without importing
// anything else from src/; it imports nothing itself.

/**
 * HTTP methods a template can use (the sort key of its item).
 */
export enum HttpMethod {
  /** GET (sent without a body). */
  GET = 'GET',
  /** HEAD (sent without a body). */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** PATCH */
  PATCH = 'PATCH',
  /** DELETE */
  DELETE = 'DELETE',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
}

/**
 * The fields of a template, as template files and `ApiTemplateProps` name them. Problems with a
 * template name these fields; the table item holds them under `TemplateAttribute` names.
 */
export class TemplateField {
  /** Template name (item attribute `PK`). */
  public static readonly NAME = 'name';
  /** HTTP method (item attribute `SK`). */
  public static readonly METHOD = 'method';
  /** URL template. */
  public static readonly URL = 'url';
  /** Header name to value template. */
  public static readonly HEADERS = 'headers';
  /** Request body template. */
  public static readonly PAYLOAD = 'payload';
  /** Timeout of the HTTP call (item attribute `timeoutMs`, in milliseconds). */
  public static readonly TIMEOUT = 'timeout';
  /** What the template is for (never sent). */
  public static readonly DESCRIPTION = 'description';
  /** Calls per second allowed to the template's API, across every caller (`{ perSecond, burst? }`). */
  public static readonly RATE_LIMIT = 'rateLimit';
  /** The authentication profile the call uses (a key of the construct's `auth` prop). */
  public static readonly AUTH = 'auth';
  /** Response mapping template: renders the JSON that replaces the response body. */
  public static readonly RESPONSE = 'response';
  /** How to follow the pages of a paginated API (`next`, `items`, `maxPages`). */
  public static readonly PAGINATION = 'pagination';
  /** Every field, in the order problems are reported. */
  public static readonly ALL: string[] = Object.freeze(['name', 'method', 'url', 'headers', 'payload', 'timeout', 'description', 'response', 'pagination', 'rateLimit', 'auth']) as string[];

  private constructor() {}
}

/**
 * Request headers a template may not set. They decide where a request goes and how it is
 * framed (`Host` would reach another site behind an allowed address; a wrong `Content-Length`
 * corrupts the request), which the renderer's HTTP client owns. Compared case-insensitively.
 */
export class ReservedRequestHeaders {
  /** The reserved names, lower case. */
  public static readonly NAMES: string[] = [
    'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect',
    'te', 'trailer', 'proxy-connection', 'http2-settings',
  ];

  /** True when a template may not set the header `name`. */
  public static isReserved(name: string): boolean {
    return ReservedRequestHeaders.NAMES.includes(name.toLowerCase());
  }

  private constructor() {}
}

/**
 * The bounds of a valid template, checked before anything is rendered or sent.
 */
export class TemplateLimits {
  /** The methods a template can use (the values of `HttpMethod`). */
  public static readonly METHODS: string[] = Object.freeze(Object.values(HttpMethod) as string[]) as string[];
  /** Methods sent without a body: a template for them may not have a payload. */
  public static readonly BODYLESS_METHODS: string[] = Object.freeze([HttpMethod.GET, HttpMethod.HEAD] as string[]) as string[];
  /** Most headers a template may set. */
  public static readonly MAX_HEADERS = 100;
  /** Longest template name, in characters. */
  public static readonly MAX_NAME_CHARS = 1024;
  /** Longest URL template, in characters. */
  public static readonly MAX_URL_CHARS = 8 * 1024;
  /** Longest header value template, in characters. */
  public static readonly MAX_HEADER_VALUE_CHARS = 8 * 1024;
  /** Longest payload template, in characters: a DynamoDB item holds at most 400 KB. */
  public static readonly MAX_PAYLOAD_CHARS = 400 * 1024;
  /** Shortest call timeout, in milliseconds. */
  public static readonly MIN_TIMEOUT_MS = 1;
  /** Longest call timeout, in milliseconds: Lambda's own maximum run time, 15 minutes. */
  public static readonly MAX_TIMEOUT_MS = 15 * 60 * 1000;
  /** Highest `rateLimit.perSecond` (and `rateLimit.burst`): one DynamoDB item serves about 1,000 writes a second. */
  public static readonly MAX_RATE_PER_SECOND = 1000;
  /** Longest response mapping template, and longest `pagination.next` or `pagination.items`, in characters. */
  public static readonly MAX_RESPONSE_TEMPLATE_CHARS = 64 * 1024;
  /** Most pages `pagination.maxPages` may allow. */
  public static readonly MAX_PAGES = 1000;
  /** What a header name may be: an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~). */
  public static readonly HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
  /** What an authentication profile name may be: letters, digits, `_`, `-` and `.`, at most 64. */
  public static readonly AUTH_PROFILE_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

  /** True when `name` is a valid header name (an RFC 9110 token). */
  public static isHeaderName(name: string): boolean {
    return typeof name === 'string' && HEADER_NAME.test(name);
  }

  private constructor() {}
}

const HEADER_NAME = new RegExp(TemplateLimits.HEADER_NAME_PATTERN);
const AUTH_PROFILE = new RegExp(TemplateLimits.AUTH_PROFILE_PATTERN);

/**
 * The construct's defaults for the renderer, which the renderer also applies when its environment
 * leaves a setting out.
 */
export class RendererDefaults {
  /**
   * Largest response body, in bytes (128 KiB): half of the 256 KiB a Step Functions state may
   * hold, which the execution input and the response headers share.
   */
  public static readonly MAX_RESPONSE_BYTES = 128 * 1024;
  /** Timeout of a call whose template sets none, in milliseconds. */
  public static readonly CALL_TIMEOUT_MS = 10_000;
  /** Statuses raised as `RetryableHttpError`. */
  public static readonly RETRYABLE_STATUSES: number[] = Object.freeze([429, 500, 502, 503, 504]) as number[];
  /** Seconds a fetched secret value is reused. */
  public static readonly SECRETS_CACHE_TTL_SECONDS = 300;
  /** Pages followed when a template's `pagination` sets no `maxPages`. */
  public static readonly MAX_PAGES = 10;
  /** Longest `Retry-After` the workflow waits for, in seconds; a longer one ends in `ApiCallFailed`. */
  public static readonly MAX_RETRY_AFTER_SECONDS = 60;
  /** Body size above which a response goes to S3 when large responses are configured (200 KiB). */
  public static readonly LARGE_RESPONSE_THRESHOLD_BYTES = 200 * 1024;
  /** Largest body written to S3 (100 MiB). */
  public static readonly MAX_OFFLOADED_RESPONSE_BYTES = 100 * 1024 * 1024;

  private constructor() {}
}

/**
 * A rate limit shared by every call of a template (every execution, batch item and Lambda
 * instance): a token bucket refilled at `perSecond` tokens a second, holding at most `burst`.
 */
export interface RateLimit {
  /** Calls per second, more than 0 (0.5 is one call every two seconds), at most 1000. */
  readonly perSecond: number;
  /**
   * Calls allowed at once after a quiet period, on top of the steady rate (a whole number from 1 to 1000).
   * No one-second window holds more than `perSecond + burst` calls.
   *
   * @default 1
   */
  readonly burst?: number;
}

/**
 * A template as plain values: the fields of a template file, the timeout in milliseconds.
 */
export interface PlainTemplate {
  /** Template name. */
  readonly name: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** URL template. */
  readonly url: string;
  /**
   * Header name to value template.
   *
   * @default - no headers
   */
  readonly headers?: Record<string, string>;
  /**
   * Request body template.
   *
   * @default - no body
   */
  readonly payload?: string;
  /**
   * Timeout of the HTTP call, in milliseconds.
   *
   * @default - the construct's `defaultCallTimeout`
   */
  readonly timeoutMs?: number;
  /**
   * What the template is for.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Response mapping template: renders JSON that replaces the body of a successful response.
   *
   * @default - the body as the API sent it
   */
  readonly response?: string;
  /**
   * How to follow the pages of a paginated API.
   *
   * @default - one request, no pagination
   */
  readonly pagination?: PaginationTemplate;
  /**
   * Calls per second allowed across every caller of the template.
   *
   * @default - no limit
   */
  readonly rateLimit?: RateLimit;
  /**
   * The authentication profile the call uses.
   *
   * @default - no authentication
   */
  readonly auth?: string;
}

/**
 * How the renderer follows the pages of a paginated API, inside one invocation. Both templates
 * see `response` (`status`, `headers`, `body` of the current page), the params and `execution`.
 */
export interface PaginationTemplate {
  /**
   * Template rendering the next page's URL (absolute, or relative to the current page's), or an
   * empty string when there is no next page.
   */
  readonly next: string;
  /** Template rendering the JSON array of the items on a page. */
  readonly items: string;
  /**
   * Most pages to fetch (1 to 1000); the output says `truncated: true` when it stopped there.
   *
   * @default 10
   */
  readonly maxPages?: number;
}

/**
 * What is wrong with one field of a template.
 */
export interface TemplateProblem {
  /** The field (a `TemplateField`). */
  readonly field: string;
  /** What is wrong, worded to follow the field's name: `must be one of GET, ...`. */
  readonly message: string;
}

/**
 * The rules of a valid template.
 */
export class TemplateRules {
  /**
   * Every problem of a template, in field order; none when it is valid. The values are checked
   * whatever their type (templates come from files, other languages and table items), and
   * `null` counts as absent. Template syntax is not checked here: that needs the renderer's
   * compiler.
   */
  public static problemsOf(template: PlainTemplate): TemplateProblem[] {
    const problems: TemplateProblem[] = [];
    const add = (field: string, message: string) => problems.push({ field, message });
    const fields = template as unknown as Record<string, unknown>;
    const name = present(fields.name);
    const method = present(fields.method);
    const url = present(fields.url);
    const headers = present(fields.headers);
    const payload = present(fields.payload);
    const timeoutMs = present(fields.timeoutMs);
    const description = present(fields.description);
    const response = present(fields.response);
    const pagination = present(fields.pagination);
    const auth = present(fields.auth);
    const rateLimit = present(fields.rateLimit);

    const nameProblem = requiredString(name, TemplateLimits.MAX_NAME_CHARS);
    if (nameProblem !== undefined) add(TemplateField.NAME, nameProblem);

    const methodProblem = requiredString(method, 16);
    if (methodProblem !== undefined) {
      add(TemplateField.METHOD, methodProblem);
    } else if (!TemplateLimits.METHODS.includes(method as string)) {
      const upper = (method as string).toUpperCase();
      add(TemplateField.METHOD, `must be one of ${TemplateLimits.METHODS.join(', ')}, got ${quoted(method as string)}${TemplateLimits.METHODS.includes(upper) ? ` (methods are upper case: ${upper})` : ''}`);
    }

    const urlProblem = requiredString(url, TemplateLimits.MAX_URL_CHARS);
    if (urlProblem !== undefined) {
      add(TemplateField.URL, urlProblem);
    } else if ((url as string).trim() === '') {
      add(TemplateField.URL, 'is missing or empty');
    } else if (!couldBeHttpUrl(url as string)) {
      add(TemplateField.URL, 'must start with http:// or https:// (or with a tag that renders to one): the renderer calls only http or https URLs');
    }

    if (headers !== undefined) {
      if (typeof headers !== 'object' || Array.isArray(headers)) {
        add(TemplateField.HEADERS, 'must be a map of header name to string template');
      } else {
        headerProblems(Object.entries(headers as object)).forEach(message => add(TemplateField.HEADERS, message));
      }
    }

    if (payload !== undefined) {
      if (typeof payload !== 'string') {
        add(TemplateField.PAYLOAD, 'must be a string');
      } else if (payload.length > TemplateLimits.MAX_PAYLOAD_CHARS) {
        add(TemplateField.PAYLOAD, `is longer than ${TemplateLimits.MAX_PAYLOAD_CHARS} characters`);
      }
      if (typeof method === 'string' && TemplateLimits.BODYLESS_METHODS.includes(method)) {
        add(TemplateField.PAYLOAD, `is not allowed on ${method}: ${method} requests carry no body, so the renderer would drop it (remove it or use another method)`);
      }
    }

    if (timeoutMs !== undefined) {
      if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs)) {
        add(TemplateField.TIMEOUT, `must be a whole number of milliseconds, got ${typeof timeoutMs === 'number' ? `${timeoutMs} ms` : described(timeoutMs)}`);
      } else if (timeoutMs < TemplateLimits.MIN_TIMEOUT_MS || timeoutMs > TemplateLimits.MAX_TIMEOUT_MS) {
        add(TemplateField.TIMEOUT, `${duration(timeoutMs)} is out of range: a call may wait from ${TemplateLimits.MIN_TIMEOUT_MS} ms to 15 minutes`);
      }
    }

    if (description !== undefined && typeof description !== 'string') {
      add(TemplateField.DESCRIPTION, 'must be a string');
    }

    if (response !== undefined) {
      const responseProblem = requiredString(response, TemplateLimits.MAX_RESPONSE_TEMPLATE_CHARS);
      if (responseProblem !== undefined) add(TemplateField.RESPONSE, responseProblem);
    }

    if (pagination !== undefined) {
      paginationProblems(pagination).forEach(message => add(TemplateField.PAGINATION, message));
    }

    if (auth !== undefined && (typeof auth !== 'string' || !AUTH_PROFILE.test(auth))) {
      add(TemplateField.AUTH, `must name an authentication profile (letters, digits, _, - and ., at most 64), got ${described(auth)}`);
    }

    if (rateLimit !== undefined) {
      rateLimitProblems(rateLimit).forEach(message => add(TemplateField.RATE_LIMIT, message));
    }
    return problems;
  }

  /**
   * Whether a URL template can render to an http(s) URL, as far as can be told before rendering:
   * the literal text before the first tag must be the start of `http://` or `https://`. A URL
   * that starts with a tag (`{{ baseUrl }}/x`) is checked when rendered.
   */
  public static couldBeHttpUrl(urlTemplate: string): boolean {
    return couldBeHttpUrl(urlTemplate);
  }

  private constructor() {}
}

function couldBeHttpUrl(urlTemplate: string): boolean {
  const literal = urlTemplate.trimStart().split('{')[0].toLowerCase();
  return ['http://', 'https://'].some(scheme => literal.startsWith(scheme) || scheme.startsWith(literal));
}

function present(value: unknown): unknown {
  return value === null ? undefined : value;
}

function requiredString(value: unknown, maxChars: number): string | undefined {
  if (value === undefined || value === '') return 'is missing or empty';
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > maxChars) return `is longer than ${maxChars} characters`;
  return undefined;
}

const PAGINATION_KEYS = ['next', 'items', 'maxPages'];

function paginationProblems(pagination: unknown): string[] {
  if (typeof pagination !== 'object' || pagination === null || Array.isArray(pagination)) {
    return ['must be a map with next, items and maxPages'];
  }
  const fields = pagination as Record<string, unknown>;
  const problems: string[] = Object.keys(fields).filter(key => !PAGINATION_KEYS.includes(key))
    .map(key => `has an unknown key ${quoted(key)} (keys: ${PAGINATION_KEYS.join(', ')})`);
  for (const key of ['next', 'items']) {
    const problem = requiredString(present(fields[key]), TemplateLimits.MAX_RESPONSE_TEMPLATE_CHARS);
    if (problem !== undefined) problems.push(`${key} ${problem}`);
  }
  const maxPages = present(fields.maxPages);
  if (maxPages !== undefined && (typeof maxPages !== 'number' || !Number.isInteger(maxPages) || maxPages < 1 || maxPages > TemplateLimits.MAX_PAGES)) {
    problems.push(`maxPages must be a whole number from 1 to ${TemplateLimits.MAX_PAGES}, got ${typeof maxPages === 'number' ? maxPages : described(maxPages)}`);
  }
  return problems;
}

function headerProblems(entries: Array<[string, unknown]>): string[] {
  const problems: string[] = [];
  if (entries.length > TemplateLimits.MAX_HEADERS) {
    problems.push(`has ${entries.length} headers, more than ${TemplateLimits.MAX_HEADERS}`);
    return problems;
  }
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    if (!TemplateLimits.isHeaderName(name)) {
      problems.push(`${quoted(name)} is not a valid header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~)`);
      continue;
    }
    if (ReservedRequestHeaders.isReserved(name)) {
      problems.push(`'${name}' cannot be set by a template: header ${name} decides where or how the request is sent, which the renderer's HTTP client sets`);
    }
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) problems.push(`${quoted(name)} repeats ${quoted(first)} (header names are case-insensitive)`);
    seen.set(name.toLowerCase(), name);
    if (typeof value !== 'string') {
      problems.push(`${quoted(name)} must be a string template`);
    } else if (value.length > TemplateLimits.MAX_HEADER_VALUE_CHARS) {
      problems.push(`${quoted(name)} has a value longer than ${TemplateLimits.MAX_HEADER_VALUE_CHARS} characters`);
    }
  }
  return problems;
}

function rateLimitProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be a map with perSecond (and optionally burst)'];
  const { perSecond, burst, ...others } = value as Record<string, unknown>;
  const problems = Object.keys(others).map(key => `has an unknown field ${quoted(key)} (fields: perSecond, burst)`);
  const max = TemplateLimits.MAX_RATE_PER_SECOND;
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0 || perSecond > max) {
    problems.push(`perSecond must be a number above 0 and at most ${max}, got ${typeof perSecond === 'number' ? perSecond : described(perSecond)}`);
  }
  if (burst !== undefined && burst !== null && (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > max)) {
    problems.push(`burst must be a whole number from 1 to ${max}, got ${typeof burst === 'number' ? burst : described(burst)}`);
  }
  return problems;
}

/** A value that is not what it should be, without echoing it: its kind, or the text of a string. */
function described(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

/** A value a problem names: cut short and escaped, so that no message carries a long or multi-line text. */
function quoted(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `'${JSON.stringify(cut).slice(1, -1)}'`;
}

/** 1200000 → `20m`, as a template file would write it. */
function duration(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
