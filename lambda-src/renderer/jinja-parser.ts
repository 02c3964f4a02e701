// Jinja2 syntax on nunjucks' lexer and parser, as subclasses (nothing is patched for other
// nunjucks users in the process). The tokenizer adds Python's numeric literals (`1_000`, `1e3`,
// `0x1f`), string escapes (`\x00`, `\u00e9`) and the `+` whitespace markers; the parser adds
// test arguments without parentheses (`x is divisibleby 3`), slices (`items[1:-1:2]`, parsed
// directly: nunjucks' jinja-compat retries `[` on failure, exponential on nested lists),
// `x.0`, adjacent string literals, tuples with trailing commas, filter chains in `{% filter %}`,
// `{% with %}`, `{% autoescape %}`, `{% block … scoped %}`, recursive loops, and raw blocks
// with whitespace control.
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
  tokens: TokenizerState;
  dropLeadingWhitespace: boolean;
  parseCompare(): Node;
  parseFilterName(): Node;
  parseFilterArgs(node: Node): Node[];
  parseUntilBlocks(...names: string[]): Node;
  advanceAfterBlockEnd(name?: string): Token;
  pushToken(token: Token): void;
  parsePrimary(noPostfix?: boolean): Node;
  parseExpression(): Node;
  parseSignature(): Node;
  parseAsRoot(): Node;
  skipSymbol(name: string): boolean;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  peekToken(): Token | null;
  nextToken(): Token | null;
  parseStatement(): Node | null;
  fail(message: string, lineno?: number, colno?: number): never;
}

/** A slice: `start:stop:step`, each part optional (null). */
export const Slice = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });
/** `{% with a=1, b=x %}body{% endwith %}`: targets are names, values expressions of the outer scope. */
export const With = nodes.Node.extend('With', { fields: ['targets', 'values', 'body'] });
/** `{% autoescape true %}body{% endautoescape %}`. */
export const AutoEscape = nodes.Node.extend('AutoEscape', { fields: ['value', 'body'] });

// ------------------------------------------------------------------------------- tokenizer

interface TokenizerState {
  str: string;
  index: number;
  in_code: boolean;
  current(): string;
  forward(): void;
  forwardN(count: number): void;
  isFinished(): boolean;
}

const TokenizerBase = Object.getPrototypeOf(lexer.lex('', {})).constructor as new (source: string, options: object) => TokenizerState & {
  nextToken(): Token | null;
};

/** Python's numeric literals, underscores included; `(?<!\.)`: `x.0` is an index, not a float. */
const NUMBER = /^(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)(?![\w.])/;
const ESCAPES: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', 'a': '\x07', 'b': '\b', 'f': '\f', 'v': '\v', '0': '\0', '\n': '' };

class JinjaTokenizer extends TokenizerBase {
  /** `{` opened and not yet closed in the current tag: `{{ {'a': {}}}}` ends after the dicts, as in Jinja2. */
  private braces = 0;

  nextToken(): Token | null {
    if (this.in_code && !this.isFinished()) {
      const char = this.current();
      if (char === '}' && this.braces > 0) {
        const { lineno, colno } = this as unknown as Token;
        this.forward();
        this.braces--;
        return { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno, colno };
      }
      if (char >= '0' && char <= '9' && this.str[this.index - 1] === '.') {
        // `x.0.1`: integers after a dot are indexes, never the start of a float.
        const digits = /^\d+/.exec(this.str.slice(this.index, this.index + 32))![0];
        const { lineno, colno } = this as unknown as Token;
        this.forwardN(digits.length);
        return { type: lexer.TOKEN_INT, value: digits, lineno, colno };
      }
      // `{%+` and `+%}` keep whitespace, which is all there is without trim_blocks/lstrip_blocks.
      if (char === '+' && (this.str.startsWith('%}', this.index + 1) || this.str.startsWith('{%', this.index - 2))) {
        this.forward();
        return this.nextToken();
      }
      if (char >= '0' && char <= '9' && this.str[this.index - 1] !== '.') {
        const match = NUMBER.exec(this.str.slice(this.index, this.index + 400));
        if (match) return this.number(match[1]);
      }
    }
    const token = super.nextToken();
    if (token?.type === lexer.TOKEN_LEFT_CURLY) this.braces++;
    else if (token?.type === lexer.TOKEN_VARIABLE_START || token?.type === lexer.TOKEN_BLOCK_START) this.braces = 0;
    return token;
  }

  private number(text: string): Token {
    const { lineno, colno } = this as unknown as Token;
    this.forwardN(text.length);
    const digits = text.replace(/_/g, '');
    const radix = /^0[xX]/.test(digits) ? 16 : /^0[oO]/.test(digits) ? 8 : /^0[bB]/.test(digits) ? 2 : 10;
    if (radix !== 10) return { type: lexer.TOKEN_INT, value: String(parseInt(digits.slice(2), radix)), lineno, colno };
    return { type: /[.eE]/.test(digits) ? lexer.TOKEN_FLOAT : lexer.TOKEN_INT, value: digits, lineno, colno };
  }

  /** Python's string escapes. */
  _parseString(delimiter: string): string {
    this.forward();
    let text = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const char = this.current();
      this.forward();
      if (char !== '\\') {
        text += char;
        continue;
      }
      const next = this.current();
      const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      const digits = hex > 0 ? this.str.slice(this.index + 1, this.index + 1 + hex) : '';
      if (hex > 0 && digits.length === hex && /^[0-9a-fA-F]+$/.test(digits) && parseInt(digits, 16) <= 0x10ffff) {
        text += String.fromCodePoint(parseInt(digits, 16));
        this.forwardN(hex + 1);
      } else if (Object.prototype.hasOwnProperty.call(ESCAPES, next)) {
        text += ESCAPES[next];
        this.forward();
      } else if (next === delimiter || next === '\\' || next === "'" || next === '"') {
        text += next;
        this.forward();
      } else {
        text += `\\${next}`; // Python keeps unknown escapes as written
        this.forward();
      }
    }
    this.forward();
    return text;
  }
}

// ---------------------------------------------------------------------------------- parser

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
      // The test's name: a name (`in` and `none`/`true`/`false` included), not an expression.
      const token = this.nextToken();
      if (!token) this.fail('expected a test name');
      let test: Node = token.type === lexer.TOKEN_SYMBOL ? new nodes.Symbol(token.lineno, token.colno, token.value)
        : new nodes.Symbol(token.lineno, token.colno, token.type === lexer.TOKEN_NONE ? 'none' : String(token.value));
      if (token.type !== lexer.TOKEN_SYMBOL && token.type !== lexer.TOKEN_NONE && token.type !== lexer.TOKEN_BOOLEAN) {
        this.fail("the name after 'is' must be a test name", token.lineno, token.colno);
      }
      const next = this.peekToken();
      if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
        test = new nodes.FunCall(test.lineno, test.colno, test, this.parseSignature());
      } else if (next && ARGUMENT_STARTS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && KEYWORDS.has(next.value))) {
        test = new nodes.FunCall(test.lineno, test.colno, test, new nodes.NodeList(test.lineno, test.colno, [this.parsePrimary()]));
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
        if (name && name.type === lexer.TOKEN_INT) {
          node = new nodes.LookupVal(token.lineno, token.colno, node, new nodes.Literal(name.lineno, name.colno, parseInt(name.value, 10)));
          continue; // `x.0`: Jinja2 reads an integer after the dot as an index
        }
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

  /** Adjacent string literals are one string: `"a" "b"` is `"ab"`. */
  parsePrimary(this: ParserMethods & { parsePostfix(node: Node): Node }, noPostfix?: boolean): Node {
    const first = this.peekToken();
    if (!first || first.type !== lexer.TOKEN_STRING) {
      return super.parsePrimary(noPostfix);
    }
    this.nextToken();
    let text = first.value;
    for (let next = this.peekToken(); next && next.type === lexer.TOKEN_STRING; next = this.peekToken()) {
      this.nextToken();
      text += next.value;
    }
    const literal = new nodes.Literal(first.lineno, first.colno, text);
    return noPostfix ? literal : this.parsePostfix(literal);
  }

  /** `(…)`, `[…]`, `{…}` with trailing commas; a parenthesized list with a comma is a tuple. */
  parseAggregate(this: ParserMethods): Node | null {
    const open = this.nextToken();
    if (!open) return null;
    const kinds: Record<string, [typeof nodes.Group, string]> = {
      [lexer.TOKEN_LEFT_PAREN]: [nodes.Group, lexer.TOKEN_RIGHT_PAREN],
      [lexer.TOKEN_LEFT_BRACKET]: [nodes.Array, lexer.TOKEN_RIGHT_BRACKET],
      [lexer.TOKEN_LEFT_CURLY]: [nodes.Dict, lexer.TOKEN_RIGHT_CURLY],
    };
    const kind = kinds[open.type];
    if (kind === undefined) return null;
    const [Type, close] = kind;
    const node = new Type(open.lineno, open.colno);
    const items = node.children as Node[];
    let comma = false;
    for (;;) {
      const next = this.peekToken();
      if (!next) this.fail('unexpected end of template in a literal', open.lineno, open.colno);
      if (next.type === close) {
        this.nextToken();
        break;
      }
      if (items.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('expected a comma', next.lineno, next.colno);
        comma = true;
        if (this.peekToken()?.type === close) {
          this.nextToken();
          break;
        }
      }
      if (Type === nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected a colon after a dict key', next.lineno, next.colno);
        items.push(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else {
        items.push(this.parseExpression());
      }
    }
    if (Type === nodes.Group && (comma || items.length === 0)) node.tuple = true;
    return node;
  }

  parseStatement(this: ParserMethods & Record<string, () => Node>): Node | null {
    const token = this.peekToken();
    switch (token?.type === lexer.TOKEN_SYMBOL ? token.value : undefined) {
      case 'with': return this.parseWith();
      case 'autoescape': return this.parseAutoEscape();
      default: return super.parseStatement();
    }
  }

  parseWith(this: ParserMethods): Node {
    const tag = this.nextToken()!;
    const targets: Node[] = [];
    const values: Node[] = [];
    while (this.peekToken()?.type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected a comma in with', tag.lineno, tag.colno);
      targets.push(this.parsePrimary(true));
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail('expected = in with', tag.lineno, tag.colno);
      values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd('with');
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new With(tag.lineno, tag.colno, targets, values, body);
  }

  parseAutoEscape(this: ParserMethods): Node {
    const tag = this.nextToken()!;
    const value = this.parseExpression();
    this.advanceAfterBlockEnd('autoescape');
    const body = this.parseUntilBlocks('endautoescape');
    this.advanceAfterBlockEnd();
    return new AutoEscape(tag.lineno, tag.colno, value, body);
  }

  /** `{% filter a | b(1) %}…{% endfilter %}`: a chain of filters, each with arguments. */
  parseFilterStatement(this: ParserMethods): Node {
    const tag = this.nextToken()!;
    const chain: Array<[Node, Node[]]> = [];
    do {
      const name = this.parseFilterName();
      chain.push([name, this.parseFilterArgs(name)]);
    } while (this.skip(lexer.TOKEN_PIPE));
    this.advanceAfterBlockEnd('filter');
    let node: Node = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endfilter'));
    this.advanceAfterBlockEnd();
    for (const [name, args] of chain) {
      node = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node, ...args]));
    }
    return new nodes.Output(tag.lineno, tag.colno, [node]);
  }

  /** `{% block name scoped %}` (and `required`): in a standalone template a block renders in place. */
  parseBlock(this: ParserMethods): Node {
    const tag = this.nextToken()!;
    const name = this.parsePrimary(true);
    if (name.typename !== 'Symbol') this.fail('expected a block name', tag.lineno, tag.colno);
    while (this.skipSymbol('scoped') || this.skipSymbol('required'));
    this.advanceAfterBlockEnd('block');
    const body = this.parseUntilBlocks('endblock');
    this.skipSymbol('endblock');
    this.skipSymbol(name.value as string);
    this.advanceAfterBlockEnd('endblock');
    return new nodes.Block(tag.lineno, tag.colno, name, body);
  }

  /** `{% for targets in items [if cond] [recursive] %}…{% else %}…{% endfor %}`. */
  parseFor(this: ParserMethods): Node {
    const tag = this.nextToken()!;
    const node = new nodes.For(tag.lineno, tag.colno);
    let name = this.parsePrimary(true);
    if (this.peekToken()?.type === lexer.TOKEN_COMMA) {
      const names = new nodes.Array(name.lineno, name.colno);
      (names.children as Node[]).push(name);
      while (this.skip(lexer.TOKEN_COMMA)) (names.children as Node[]).push(this.parsePrimary(true));
      name = names;
    }
    node.name = name;
    if (!this.skipSymbol('in')) this.fail('expected "in" in for', tag.lineno, tag.colno);
    node.arr = this.parseExpression();
    node.recursive = this.skipSymbol('recursive');
    this.advanceAfterBlockEnd('for');
    node.body = this.parseUntilBlocks('endfor', 'else');
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      node.else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return node;
  }

  /** Raw text up to the matching `{% endraw %}`, with `-` whitespace control on both tags. */
  parseRaw(this: ParserMethods): Node {
    const opened = this.advanceAfterBlockEnd();
    const tokens = this.tokens;
    const tag = /\{%([-+]?)\s*(raw|endraw)\s*([-+]?)%\}/g;
    tag.lastIndex = tokens.index;
    let depth = 1;
    let match: RegExpExecArray | null;
    while ((match = tag.exec(tokens.str)) !== null) {
      depth += match[2] === 'raw' ? 1 : -1;
      if (depth === 0) break;
    }
    if (match === null) this.fail('expected {% endraw %}', opened.lineno, opened.colno);
    let text = tokens.str.slice(tokens.index, match.index);
    if (opened.value.startsWith('-')) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    tokens.forwardN(match.index + match[0].length - tokens.index);
    this.dropLeadingWhitespace = match[3] === '-';
    return new nodes.Output(opened.lineno, opened.colno, [new nodes.TemplateData(opened.lineno, opened.colno, text)]);
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
  return new JinjaParser(new JinjaTokenizer(source, {})).parseAsRoot();
}
