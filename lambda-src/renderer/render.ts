// Renders one template string with params as the top-level context. Compiled templates are
// cached by source across invocations; errors become TemplateRenderError naming the part.
import { rendererConfig } from './config';
import { isRendererError, TemplateRenderError } from './errors';
import { MAX_RENDERED_CHARS } from './limits';
import { withRenderBudget } from './render-budget';
import { compileChecked } from './template-compiler';
import { templateEnvironment } from './template-environment';

/** A template ready to render with params. */
export interface CompiledTemplate {
  render(params: object): string;
}

const MAX_CACHED_TEMPLATES = 1000;
const cache = new Map<string, CompiledTemplate>();

/**
 * @param part what is rendered, for error messages: `url`, `header Authorization`, `payload`
 */
export function renderTemplate(source: string, params: object, part: string): string {
  return withRenderBudget(rendererConfig().renderLimits, () => {
    const template = compileTemplate(source, part);
    let output: string;
    try {
      output = template.render(params);
    } catch (error) {
      throw renderError(error, part);
    }
    if (output.length > MAX_RENDERED_CHARS) {
      throw new TemplateRenderError(`${part}: rendered output is longer than ${MAX_RENDERED_CHARS} characters`);
    }
    return output;
  });
}

/** The compiled template for `source`, from the cache when seen before; syntax errors throw. */
export function compileTemplate(source: string, part: string): CompiledTemplate {
  const cached = cache.get(source);
  if (cached !== undefined) {
    return cached;
  }
  let template: CompiledTemplate;
  try {
    const tree = compileChecked(jinjaSource(source));
    const { globals } = templateEnvironment();
    template = { render: (params) => tree.render({ params: params as Record<string, unknown>, globals }) };
  } catch (error) {
    throw renderError(error, part);
  }
  if (cache.size >= MAX_CACHED_TEMPLATES) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(source, template);
  return template;
}

/** Jinja2 reads `\r\n` and `\r` as `\n` and drops one trailing newline. */
function jinjaSource(source: string): string {
  const normalized = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  return normalized.endsWith('\n') ? normalized.slice(0, -1) : normalized;
}

interface RenderFailure extends Error {
  /** 1-based: parser errors carry it as lineno/colno, evaluation errors as jinjaPosition. */
  lineno?: number;
  colno?: number;
  jinjaPosition?: [number, number];
}

const HAS_POSITION = /\(line \d+, column \d+\)/;

function renderError(error: unknown, part: string): Error {
  const failure = error as RenderFailure;
  const position = failure.jinjaPosition ?? (failure.lineno ? [failure.lineno, failure.colno] : undefined);
  const where = position && !HAS_POSITION.test(failure.message ?? '') ? ` (line ${position[0]}, column ${position[1]})` : '';
  if (isRendererError(failure)) {
    return new TemplateRenderError(`${part}: ${failure.message}${where}`);
  }
  // Parser errors (nunjucks' TemplateError) only quote the template; other errors from JavaScript
  // could quote a param value, so only their type is kept.
  if (failure.name === 'Template render error') {
    return new TemplateRenderError(`${part}: ${lastLine(failure.message ?? '')}${where}`);
  }
  return new TemplateRenderError(`${part}: ${failure.name ?? 'Error'} while rendering${where}`);
}

/** nunjucks prefixes parser messages with "(unknown path) [Line 1, Column 2]" lines. */
function lastLine(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}

/** For the cached-vs-uncached benchmark and tests. */
export function clearTemplateCache(): void {
  cache.clear();
}
