// Checks and renders template items with the renderer Lambda's own code, so the CLI and the
// Lambda can never disagree about what a template means.
import { decodeTemplateItem } from '../../lambda-src/renderer/item';
import { compileTemplate } from '../../lambda-src/renderer/render';
import { renderRequest as renderItemRequest, type RenderedRequest } from '../../lambda-src/renderer/request';
import { TemplateAttribute } from '../../src/contract';
import { couldBeHttpUrl } from '../../src/private/template-file-format';

export type { RenderedRequest };
// The URL check lives with the template file format, which ApiTemplate shares.
export { couldBeHttpUrl };

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

/** The request the renderer would send for this item and params (nothing is sent or resolved). */
export function renderRequest(plainItem: Record<string, unknown>, params: Record<string, unknown>): RenderedRequest {
  return renderItemRequest(decodeTemplateItem(plainItem), params);
}
