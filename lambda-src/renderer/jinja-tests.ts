// Jinja2's tests (`x is defined`, `selectattr('age', 'gt', 18)`) where nunjucks lacks them or
// disagrees (Python equality and truthiness, no JS coercion).
import { compare } from './jinja-operators';
import { isPlainDict, pyEquals } from './python-values';

type Test = (value: unknown, ...args: unknown[]) => boolean;

const equal: Test = (value, other) => pyEquals(value, other);
const notEqual: Test = (value, other) => !pyEquals(value, other);
const ordered = (op: string): Test => (value, other) => compare(value, op, other);

export const JINJA_TESTS: Record<string, Test> = {
  'defined': (value) => value !== undefined,
  'undefined': (value) => value === undefined,
  'none': (value) => value === null,
  'boolean': (value) => typeof value === 'boolean',
  'true': (value) => value === true,
  'false': (value) => value === false,
  'number': (value) => typeof value === 'number' || typeof value === 'boolean', // a bool is an int in Python
  'integer': (value) => Number.isInteger(value),
  'float': (value) => typeof value === 'number' && !Number.isInteger(value),
  'string': (value) => typeof value === 'string',
  'mapping': (value) => isPlainDict(value),
  'sequence': (value) => typeof value === 'string' || Array.isArray(value) || isPlainDict(value),
  'iterable': (value) => typeof value === 'string' || Array.isArray(value) || isPlainDict(value),
  'callable': (value) => typeof value === 'function',
  'sameas': (value, other) => value === other,
  'eq': equal,
  'equalto': equal,
  '==': equal,
  'ne': notEqual,
  '!=': notEqual,
  'lt': ordered('<'),
  'lessthan': ordered('<'),
  '<': ordered('<'),
  'le': ordered('<='),
  '<=': ordered('<='),
  'gt': ordered('>'),
  'greaterthan': ordered('>'),
  '>': ordered('>'),
  'ge': ordered('>='),
  '>=': ordered('>='),
  'in': (value, container) => (typeof container === 'string' ? typeof value === 'string' && container.includes(value)
    : Array.isArray(container) ? container.some((item) => pyEquals(item, value))
      : isPlainDict(container) && typeof value === 'string' && Object.prototype.hasOwnProperty.call(container, value)),
  'divisibleby': (value, divisor) => Number(value) % Number(divisor) === 0,
  'even': (value) => Number(value) % 2 === 0,
  'odd': (value) => Math.abs(Number(value) % 2) === 1,
  'lower': (value) => typeof value === 'string' && value === value.toLowerCase(),
  'upper': (value) => typeof value === 'string' && value === value.toUpperCase(),
};
