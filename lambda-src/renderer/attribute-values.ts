// DynamoDB AttributeValue form → plain values. Maps become objects without a prototype: an
// attribute may legally be named `__proto__`, and on an ordinary object assigning that name
// replaces the prototype (so a missing `url` could be inherited instead of refused).
import { InvalidTemplateError } from './errors';

export type AttributeMap = Record<string, unknown>;

export function decodeAttributeMap(map: AttributeMap, path: string): Record<string, unknown> {
  const decoded = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(map)) {
    decoded[name] = decodeAttributeValue(map[name], `${path}.${name}`);
  }
  return decoded;
}

function decodeAttributeValue(value: unknown, path: string): unknown {
  const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
  if (entries.length !== 1) {
    throw invalid(path);
  }
  const [type, content] = entries[0];
  switch (type) {
    case 'S':
      if (typeof content === 'string') return content;
      break;
    case 'N':
      if (typeof content === 'string' && content.trim() !== '' && Number.isFinite(Number(content))) return Number(content);
      break;
    case 'BOOL':
      if (typeof content === 'boolean') return content;
      break;
    case 'NULL':
      if (content === true) return null;
      break;
    case 'B':
      if (typeof content === 'string') return Buffer.from(content, 'base64');
      break;
    case 'M':
      if (typeof content === 'object' && content !== null && !Array.isArray(content)) return decodeAttributeMap(content as AttributeMap, path);
      break;
    case 'L':
      if (Array.isArray(content)) return content.map((item, index) => decodeAttributeValue(item, `${path}[${index}]`));
      break;
    case 'SS':
      if (Array.isArray(content) && content.every((item) => typeof item === 'string')) return [...content];
      break;
    case 'NS':
      if (Array.isArray(content)) return content.map((item, index) => decodeAttributeValue({ N: item }, `${path}[${index}]`));
      break;
    case 'BS':
      if (Array.isArray(content)) return content.map((item, index) => decodeAttributeValue({ B: item }, `${path}[${index}]`));
      break;
  }
  throw invalid(path);
}

function invalid(path: string): InvalidTemplateError {
  return new InvalidTemplateError(`event.template is not a valid DynamoDB item: ${path} is not an AttributeValue`);
}
