// Jinja2 syntax on nunjucks' lexer and parser, as a subclass (nothing is patched for other
// nunjucks users in the process): a test argument without parentheses (`x is divisibleby 3`),
// and slices in subscripts (`items[1:-1:2]`), parsed directly rather than by nunjucks'
// jinja-compat, whose retry-on-failure parsing of `[` takes exponential time on nested lists.
import lexer from 'nunjucks/src/lexer';
import nodes from 'nunjucks/src/nodes';
import type { Node } from 'nunjucks/src/nodes';
import parser from 'nunjucks/src/parser';

interface Token {
  readonly type: string;
  readonly value: string;
  readonly lineno: number;
  readonly colno: number;
}

interface ParserMethods {
  parseCompare(): Node;
  parsePrimary(noPostfix?: boolean): Node;
  parseExpression(): Node;
  parseSignature(): Node;
  parseAsRoot(): Node;
  skipSymbol(name: string): boolean;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  peekToken(): Token | null;
  nextToken(): Token | null;
  fail(message: string, lineno?: number, colno?: number): never;
}

/** A slice: `start:stop:step`, each part optional (null). */
export const Slice = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });

/** Words that end an expression, so never start a test argument. */
const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);
const ARGUMENT_STARTS = new Set([lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_SYMBOL,
  lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE]);

const Base = parser.Parser as unknown as new (tokens: unknown) => ParserMethods;

class JinjaParser extends Base {
  parseIs(this: ParserMethods): Node {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      let test = this.parseCompare();
      const next = this.peekToken();
      const bareName = test.typename === 'Symbol' || (test.typename === 'Literal' && test.value === null);
      if (bareName && next && ARGUMENT_STARTS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && KEYWORDS.has(next.value))) {
        const name = test.typename === 'Symbol' ? test : new nodes.Symbol(test.lineno, test.colno, 'none');
        test = new nodes.FunCall(test.lineno, test.colno, name, new nodes.NodeList(test.lineno, test.colno, [this.parsePrimary()]));
      }
      node = new nodes.Is(node.lineno, node.colno, node, test);
      if (not) {
        node = new nodes.Not(node.lineno, node.colno, node);
      }
    }
    return node;
  }

  parsePostfix(this: ParserMethods, start: Node): Node {
    let node = start;
    for (let token = this.peekToken(); token; token = this.peekToken()) {
      if (token.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(token.lineno, token.colno, node, this.parseSignature());
      } else if (token.type === lexer.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        node = new nodes.LookupVal(token.lineno, token.colno, node, subscript(this, token));
      } else if (token.type === lexer.TOKEN_OPERATOR && token.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (!name || name.type !== lexer.TOKEN_SYMBOL) {
          this.fail('expected a name after "."', token.lineno, token.colno);
        }
        node = new nodes.LookupVal(token.lineno, token.colno, node, new nodes.Literal(name.lineno, name.colno, name.value));
      } else {
        break;
      }
    }
    return node;
  }
}

/** After `[`: an expression, or a slice `start:stop:step`, then `]`. */
function subscript(self: ParserMethods, open: Token): Node {
  const parts: Array<Node | null> = [null];
  for (;;) {
    const token = self.peekToken();
    if (!token) self.fail('expected "]"', open.lineno, open.colno);
    if (token.type === lexer.TOKEN_RIGHT_BRACKET) {
      self.nextToken();
      break;
    }
    if (token.type === lexer.TOKEN_COLON) {
      self.nextToken();
      if (parts.length === 3) self.fail('a slice has at most three parts', token.lineno, token.colno);
      parts.push(null);
    } else {
      if (parts[parts.length - 1] !== null) self.fail('expected "]"', token.lineno, token.colno);
      parts[parts.length - 1] = self.parseExpression();
    }
  }
  if (parts.length === 1) {
    if (parts[0] === null) self.fail('expected an index', open.lineno, open.colno);
    return parts[0];
  }
  const literal = (value: null) => new nodes.Literal(open.lineno, open.colno, value);
  return new Slice(open.lineno, open.colno, parts[0] ?? literal(null), parts[1] ?? literal(null), parts[2] ?? literal(null));
}

/** The syntax tree of a template (its text already normalized as Jinja2 reads it). */
export function parseJinja(source: string): Node {
  return new JinjaParser(lexer.lex(source, {})).parseAsRoot();
}
