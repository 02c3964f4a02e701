import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { ParsedTemplate, parseTemplateText, TEMPLATE_FILE_EXTENSIONS, TemplateFileFormatError } from './private/template-file-format';
import { ValidationError } from './private/validation-error';
import { HttpMethod, PaginationTemplate, PlainTemplate, RateLimit, TemplateRules } from './template-model';

/**
 * The fields of a request template. `url`, header values and `payload` are Jinja2 templates
 * rendered with the execution's `params` (and `secrets`, see `TemplatedApiCallerProps.secrets`).
 */
export interface ApiTemplateProps {
  /**
   * Template name (the partition key): what an execution's `templateName` selects.
   */
  readonly name: string;

  /**
   * HTTP method (the sort key): what an execution's `method` selects.
   */
  readonly method: HttpMethod;

  /**
   * URL template. Its literal start must be `http://` or `https://`, unless it starts with a tag
   * (`{{ baseUrl }}/users`), which is checked when rendered.
   */
  readonly url: string;

  /**
   * Header name (an RFC 9110 token) to value template; at most 100 headers.
   *
   * @default - no headers
   */
  readonly headers?: Record<string, string>;

  /**
   * Request body template. Refused on GET and HEAD, which are sent without a body.
   *
   * @default - no body
   */
  readonly payload?: string;

  /**
   * Timeout of the HTTP call: from 1 ms to 15 minutes, and shorter than the renderer function's
   * timeout.
   *
   * @default - the construct's `defaultCallTimeout`
   */
  readonly timeout?: Duration;

  /**
   * What the template is for; stored with the template, never sent.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Response mapping: a Jinja2 template rendered after a successful call with `response.status`,
   * `response.headers` (lower-case names) and `response.body` (parsed JSON or text), the params
   * and `execution`. It must render JSON, which replaces the body in the output; otherwise the
   * call fails with `ResponseMappingError` (not retried).
   *
   * @default - the body as the API sent it
   */
  readonly response?: string;

  /**
   * Follow the pages of a paginated API inside one invocation; the body becomes
   * `{ items, pages, truncated }`.
   *
   * @default - one request, no pagination
   */
  readonly pagination?: PaginationTemplate;

  /**
   * Calls per second allowed to this template's API across every execution, batch item and
   * renderer instance (a token bucket in DynamoDB; the construct adds its table).
   *
   * @default - no limit
   */
  readonly rateLimit?: RateLimit;

  /**
   * The authentication profile the call uses: a key of `TemplatedApiCallerProps.auth` (checked
   * when the template is given to the construct).
   *
   * @default - no authentication
   */
  readonly auth?: string;
}

/**
 * A request template kept in code and written to the template table at deploy time
 * (`TemplatedApiCallerProps.templates`, `TemplatedApiCaller.addTemplate()`).
 *
 * Fields are checked when the template is made; template syntax is checked at deploy time, before
 * anything is written, by the renderer's own compiler.
 */
export class ApiTemplate {
  /**
   * A template from its fields.
   */
  public static of(props: ApiTemplateProps): ApiTemplate {
    const label = `ApiTemplate '${props.name}' ${props.method}`;
    // Callers in other languages (or plain JavaScript) can pass anything: the model checks the
    // types of the values too. Only the Duration is this entry point's own.
    let timeoutMs: number | undefined;
    try {
      timeoutMs = props.timeout?.toMilliseconds();
    } catch (error) {
      throw new ValidationError(`${label}.timeout`, `must be a whole number of milliseconds (${(error as Error).message})`);
    }
    const method: unknown = props.method;
    return new ApiTemplate({ ...props, timeoutMs, method: typeof method === 'string' ? method.toUpperCase() : props.method }, label);
  }

  /**
   * The templates of a YAML or JSON file: one template, a list of them, or several YAML
   * documents, with the fields of `ApiTemplateProps` (`timeout` as `500ms`, `10s`, `2m` or a
   * number of seconds). The CLI (`templated-api-caller validate|put`) reads the same files.
   *
   * @param filePath path of the file, relative to the working directory of the synth
   */
  public static fromFile(filePath: string): ApiTemplate[] {
    if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) {
      throw new ValidationError(filePath, 'no such template file');
    }
    let parsed: ParsedTemplate[];
    try {
      parsed = parseTemplateText(fs.readFileSync(filePath, 'utf8'), filePath);
    } catch (error) {
      if (!(error instanceof TemplateFileFormatError)) throw error;
      throw new ValidationError(error.field === undefined ? error.source : `${error.source}.${error.field}`, error.message.slice(error.source.length + 2));
    }
    const seen = new Map<string, string>();
    return parsed.map(({ source, template }) => {
      const key = `'${template.name}' ${template.method}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new ValidationError(`${source} (${key})`, `the template is also defined in ${first}`);
      }
      seen.set(key, source);
      return new ApiTemplate(template, `${source} (${key})`);
    });
  }

  /**
   * The templates of every `.yaml`, `.yml` and `.json` file directly inside a directory, in file
   * name order, as the CLI reads a directory. A name and method defined twice is an error when
   * the templates are given to `TemplatedApiCaller`.
   *
   * @param directoryPath path of the directory, relative to the working directory of the synth
   */
  public static fromDirectory(directoryPath: string): ApiTemplate[] {
    if (!fs.existsSync(directoryPath) || !fs.statSync(directoryPath).isDirectory()) {
      throw new ValidationError(directoryPath, 'no such template directory');
    }
    return fs.readdirSync(directoryPath)
      .filter(name => TEMPLATE_FILE_EXTENSIONS.includes(path.extname(name)))
      .sort()
      .flatMap(name => ApiTemplate.fromFile(path.join(directoryPath, name)));
  }

  /** Template name. */
  public readonly name: string;
  /** HTTP method. */
  public readonly method: HttpMethod;
  /** URL template. */
  public readonly url: string;
  /**
   * Header name to value template.
   *
   * @default - no headers
   */
  public readonly headers?: Record<string, string>;
  /**
   * Request body template.
   *
   * @default - no body
   */
  public readonly payload?: string;
  /**
   * Timeout of the HTTP call.
   *
   * @default - the construct's `defaultCallTimeout`
   */
  public readonly timeout?: Duration;
  /**
   * What the template is for.
   *
   * @default - none
   */
  public readonly description?: string;
  /**
   * Response mapping template.
   *
   * @default - the body as the API sent it
   */
  public readonly response?: string;
  /**
   * How the pages of a paginated API are followed.
   *
   * @default - one request, no pagination
   */
  public readonly pagination?: PaginationTemplate;
  /**
   * Calls per second allowed across every caller.
   *
   * @default - no limit
   */
  public readonly rateLimit?: RateLimit;
  /**
   * The authentication profile the call uses.
   *
   * @default - no authentication
   */
  public readonly auth?: string;
  /** Where the template comes from, as error messages name it (`ApiTemplate 'x' GET`, `file.yaml#2 ('x' GET)`). */
  public readonly source: string;

  private constructor(template: PlainTemplate, source: string) {
    for (const { field, message } of TemplateRules.problemsOf(template)) {
      throw new ValidationError(`${source}.${field}`, message);
    }
    this.name = template.name;
    this.method = template.method as HttpMethod;
    this.url = template.url;
    this.headers = template.headers === undefined ? undefined : { ...template.headers };
    this.payload = template.payload;
    this.timeout = template.timeoutMs === undefined ? undefined : Duration.millis(template.timeoutMs);
    this.description = template.description;
    this.response = template.response;
    this.pagination = template.pagination === undefined ? undefined : { ...template.pagination };
    this.auth = template.auth;
    this.rateLimit = template.rateLimit === undefined ? undefined : { ...template.rateLimit };
    this.source = source;
  }
}
