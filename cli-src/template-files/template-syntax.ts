// Checks and renders template items with the renderer Lambda's own code, so the CLI and the
// Lambda can never disagree about what a template means.
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { compileTemplate } from '../../lambda-src/renderer/render';
import { renderRequest as renderItemRequest, type RenderedRequest } from '../../lambda-src/renderer/request';
import { TemplateAttribute } from '../../src/contract';

export type { RenderedRequest };

/** Every problem with an item's templates: syntax errors (with line) and a URL that is not http(s). */
export function checkTemplateSyntax(plainItem: Record<string, unknown>): string[] {
  const item = decodeTemplateItem(plainItem);
  const parts: Array<[string, string]> = [
    ['url', item.url],
    ...item.headers.map(([name, source]): [string, string] => [`header ${name}`, source]),
    ...(item.payload === undefined ? [] : [['payload', item.payload] as [string, string]]),
  ];
  const problems: string[] = [];
  for (const [part, source] of parts) {
    try {
      compileTemplate(source, part);
    } catch (error) {
      problems.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (!couldBeHttpUrl(item.url)) {
    problems.push(`InvalidTemplateError: ${TemplateAttribute.URL} must start with http:// or https://`);
  }
  return problems;
}

/**
 * What can be told before rendering: the literal text before the first tag must be the start
 * of an http(s) URL. A URL that starts with a tag (`{{ baseUrl }}/x`) is checked when rendered.
 */
export function couldBeHttpUrl(urlTemplate: string): boolean {
  const literal = urlTemplate.trimStart().split('{')[0].toLowerCase();
  return ['http://', 'https://'].some(scheme => literal.startsWith(scheme) || scheme.startsWith(literal));
}

/** The request the renderer would send for this item and params (nothing is sent or resolved). */
export function renderRequest(plainItem: Record<string, unknown>, params: Record<string, unknown>): RenderedRequest {
  return renderItemRequest(decodeTemplateItem(plainItem), params);
}
