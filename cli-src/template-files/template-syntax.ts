// Checks and renders template items with the renderer Lambda's own code, so the CLI and the
// Lambda can never disagree about what a template means.
import { InvalidTemplateError } from '../../lambda-src/renderer/errors';
import { decodeTemplateItem, templateOfItem, templateParts } from '../../lambda-src/renderer/item';
import { compileTemplate } from '../../lambda-src/renderer/render';
import { renderRequest as renderItemRequest, type RenderedRequest } from '../../lambda-src/renderer/request';
import { TemplateContext } from '../../src/contract';

export type { RenderedRequest };

/**
 * Every syntax error of an item's templates (with part and line), whatever else is wrong with
 * it: the fields themselves (URL scheme, header names, ...) are the model's, checked when the
 * file is read (template-file.ts), and a part that is not a string has no syntax to check.
 */
export function checkTemplateSyntax(plainItem: Record<string, unknown>): string[] {
  const parts = templateParts(templateOfItem(plainItem));
  const problems: string[] = [];
  for (const [part, source] of parts) {
    if (typeof source !== 'string') continue;
    try {
      compileTemplate(source, part);
    } catch (error) {
      problems.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * The request the renderer would send for this item and params (nothing is sent or resolved).
 * `secrets` stand in for Secrets Manager: values by name, a JSON object exposing its fields as
 * the renderer does. A param cannot be named `secrets`, as in the renderer.
 */
export function renderRequest(
  plainItem: Record<string, unknown>,
  params: Record<string, unknown>,
  secrets: Record<string, string> = {},
): RenderedRequest {
  if (TemplateContext.SECRETS in params) {
    throw new InvalidTemplateError(`params: '${TemplateContext.SECRETS}' is reserved for Secrets Manager values`);
  }
  const context = Object.keys(secrets).length === 0
    ? params
    : { ...params, [TemplateContext.SECRETS]: Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, jsonObjectOr(value)])) };
  return renderItemRequest(decodeTemplateItem(plainItem), context);
}

function jsonObjectOr(value: string): unknown {
  try {
    const parsed = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}
