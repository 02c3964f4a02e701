// Jinja2 syntax nunjucks' parser lacks: a test argument without parentheses
// (`x is divisibleby 3`, `x is in list`, `x is eq 7`).
import lexer from 'nunjucks/src/lexer';
import nodes from 'nunjucks/src/nodes';
import type { Node } from 'nunjucks/src/nodes';
import parser from 'nunjucks/src/parser';

interface ParserInstance {
  parseCompare(): Node;
  parsePrimary(): Node;
  skipSymbol(name: string): boolean;
  peekToken(): { type: string; value: string } | null;
}

/** Words that end an expression, so never start a test argument. */
const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);

let installed = false;

export function installJinjaParser(): void {
  if (installed) {
    return;
  }
  installed = true;
  const argumentStarts = new Set([lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_SYMBOL,
    lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE]);
  parser.Parser.prototype.parseIs = function (this: ParserInstance) {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      let test = this.parseCompare();
      const next = this.peekToken();
      const bareName = test.typename === 'Symbol' || (test.typename === 'Literal' && test.value === null);
      if (bareName && next && argumentStarts.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && KEYWORDS.has(next.value))) {
        const name = test.typename === 'Symbol' ? test : new nodes.Symbol(test.lineno, test.colno, 'none');
        test = new nodes.FunCall(test.lineno, test.colno, name, new nodes.NodeList(test.lineno, test.colno, [this.parsePrimary()]));
      }
      node = new nodes.Is(node.lineno, node.colno, node, test);
      if (not) {
        node = new nodes.Not(node.lineno, node.colno, node);
      }
    }
    return node;
  };
}
