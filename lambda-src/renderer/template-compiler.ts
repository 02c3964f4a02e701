// Template text → a renderable tree. The text is parsed (jinja-parser.ts), the tree is checked,
// then evaluated by closures (jinja-evaluator.ts): no JavaScript source is ever generated from
// a template, so no template text can become code. The check still refuses what has no place in
// a standalone Jinja2 template, and names that are not identifiers (which Jinja2's lexer would
// never produce either) or that would reach JavaScript internals.
import lexer from 'nunjucks/src/lexer';
import type { Node } from 'nunjucks/src/nodes';
import { TemplateRenderError } from './errors';
import { compileTree, type CompiledTree } from './jinja-evaluator';
import { parseJinja } from './jinja-parser';
import { limitExceeded, renderLimits } from './render-budget';
import { isForbiddenName } from './sandbox';
import { templateEnvironment } from './template-environment';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Jinja2 filter names may be dotted (`{{ x | ns.name }}`). */
const DOTTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Nodes with no place in a standalone Jinja2 template: loading templates, extensions, async. */
const REFUSED_NODES: Record<string, string> = {
  Include: 'include',
  Import: 'import',
  FromImport: 'from … import',
  Extends: 'extends',
  CallExtension: 'extension tags',
  CallExtensionAsync: 'extension tags',
  FilterAsync: 'async filters',
  Switch: 'switch',
  Super: 'super()',
  IfAsync: 'ifAsync',
  AsyncEach: 'asyncEach',
  AsyncAll: 'asyncAll',
};

const OPENING_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'raw', 'verbatim', 'with']);

/** Compiles `source` (already normalized as Jinja2 reads it) after checking its syntax tree. */
export function compileChecked(source: string): CompiledTree {
  checkNesting(source);
  const tree = parseJinja(source);
  checkNode(tree, undefined);
  return compileTree(tree, templateEnvironment());
}

/**
 * nunjucks' recursive-descent parser slows down past a few hundred nested brackets, so nesting
 * is counted on the tokens first: brackets, and block tags that open a body.
 */
function checkNesting(source: string): void {
  const max = renderLimits().maxNesting;
  // Every level is a `(`, `[` or `{` of the text (a block tag's is the one of its `{%`): with
  // no more of them than the limit, the source cannot nest deeper, and needs no lexing pass.
  if (openingBrackets(source) <= max) return;
  const tokens = lexer.lex(source, {});
  let depth = 0;
  let afterBlockStart = false;
  for (let token = tokens.nextToken(); token !== null; token = tokens.nextToken()) {
    const { type, value } = token as { type: string; value: string };
    if (type === lexer.TOKEN_LEFT_PAREN || type === lexer.TOKEN_LEFT_BRACKET || type === lexer.TOKEN_LEFT_CURLY
      || (afterBlockStart && type === lexer.TOKEN_SYMBOL && OPENING_TAGS.has(value))) {
      if (++depth > max) {
        throw limitExceeded('maxNesting', 'brackets or block tags nested too deeply');
      }
    } else if (type === lexer.TOKEN_RIGHT_PAREN || type === lexer.TOKEN_RIGHT_BRACKET || type === lexer.TOKEN_RIGHT_CURLY
      || (afterBlockStart && type === lexer.TOKEN_SYMBOL && value.startsWith('end'))) {
      depth = Math.max(0, depth - 1);
    }
    if (type !== lexer.TOKEN_WHITESPACE) {
      afterBlockStart = type === lexer.TOKEN_BLOCK_START;
    }
  }
}

function openingBrackets(source: string): number {
  let count = 0;
  for (let index = 0; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === 0x28 || code === 0x5b || code === 0x7b) count++; // ( [ {
  }
  return count;
}

function checkNode(node: Node, parent: Node | undefined): void {
  const refused = REFUSED_NODES[node.typename];
  if (refused !== undefined) {
    fail(`${refused} is not supported (a template cannot load other templates or run extensions)`, node);
  }
  switch (node.typename) {
    case 'Symbol':
      checkName(node, parent?.typename === 'Filter' && parent.name === node ? DOTTED_IDENTIFIER : IDENTIFIER);
      break;
    case 'Literal':
    case 'TemplateData':
      checkLiteral(node);
      break;
    case 'Is':
      checkTestName(node.right as Node);
      break;
  }
  for (const field of node.fields as string[]) {
    const child = node[field];
    if (isNode(child)) {
      checkNode(child, node);
    } else if (Array.isArray(child)) {
      for (const entry of child) {
        if (isNode(entry)) checkNode(entry, node);
      }
    }
  }
}

function checkName(node: Node, pattern: RegExp): void {
  const name = node.value;
  if (typeof name !== 'string' || !pattern.test(name)) {
    // The name is template text, but it is not a name: describe it without quoting it.
    fail('a name must be letters, digits and underscores, not starting with a digit', node);
  }
  // As a variable or binding, these would reach JavaScript internals (a frame whose prototype
  // is replaced through `__proto__`); Jinja2's sandbox refuses them too.
  if (name.split('.').some(isForbiddenName)) {
    fail(`sandbox: '${name}' cannot be used as a name`, node);
  }
}

function checkLiteral(node: Node): void {
  const value = node.value;
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))) {
    return;
  }
  fail(value instanceof RegExp ? 'regular expression literals are not supported' : 'unsupported literal', node);
}

/** `x is name`, `x is name(args)`, `x is none/true/false`. */
function checkTestName(test: Node): void {
  const name = test.typename === 'FunCall' ? test.name as Node : test;
  if (name.typename === 'Symbol') return; // checked as a Symbol
  if (name.typename === 'Literal' && (name.value === null || typeof name.value === 'boolean')) return;
  fail("the name after 'is' must be a test name", test);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).typename === 'string' && Array.isArray((value as Node).fields);
}

function fail(message: string, node: Node): never {
  throw new TemplateRenderError(`${message} (line ${node.lineno + 1}, column ${node.colno + 1})`);
}
