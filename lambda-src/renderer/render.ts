// Renders one template string with params as the top-level context. Compiled templates are
// cached by source across invocations; errors become TemplateRenderError naming the part.
import type { CompiledTemplate } from 'nunjucks/src/environment';
import { rendererConfig } from './config';
import { isRendererError, TemplateRenderError } from './errors';
import { MAX_RENDERED_CHARS } from './limits';
import { withRenderBudget } from './render-budget';
import { compileChecked } from './template-compiler';
import { templateEnvironment } from './template-environment';

const MAX_CACHED_TEMPLATES = 1000;
const cache = new Map<string, CompiledTemplate>();

/** Messages of nunjucks' own runtime errors: they name filters, tests or callables, never values. */
const NUNJUCKS_RUNTIME_MESSAGE = /^(filter not found|test not found|Unable to call|template not found|Template render error)/;

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
    template = compileChecked(jinjaSource(source), templateEnvironment());
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

interface NunjucksError extends Error {
  cause?: unknown;
  /** 1-based, on parser errors. */
  lineno?: number;
  colno?: number;
}

const HAS_POSITION = /\(line \d+, column \d+\)/;

function renderError(error: unknown, part: string): Error {
  const wrapper = error as NunjucksError;
  const cause = wrapper.cause instanceof Error ? wrapper.cause : wrapper;
  const position = /\[Line (\d+), Column (\d+)\]/.exec(wrapper.message ?? '')?.slice(1)
    ?? (wrapper.lineno ? [wrapper.lineno, wrapper.colno] : undefined);
  const where = position && !HAS_POSITION.test(cause.message ?? '') ? ` (line ${position[0]}, column ${position[1]})` : '';
  if (isRendererError(cause)) {
    return new TemplateRenderError(`${part}: ${cause.message}${where}`);
  }
  // Compile errors (no cause) only quote the template; runtime errors from JavaScript could
  // quote a param value, so only their type is kept.
  const message = lastLine(cause.message ?? '');
  if (cause === wrapper || NUNJUCKS_RUNTIME_MESSAGE.test(message)) {
    return new TemplateRenderError(`${part}: ${message}${where}`);
  }
  return new TemplateRenderError(`${part}: ${cause.name ?? 'Error'} while rendering${where}`);
}

/** nunjucks prefixes messages with "(unknown path) [Line 1, Column 2]" lines. */
function lastLine(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}

/** For the cached-vs-uncached benchmark and tests. */
export function clearTemplateCache(): void {
  cache.clear();
}
