// Evaluates a checked syntax tree with Jinja2's semantics. The tree is turned into closures once
// (per cached template), never into source code: no template text can become JavaScript. Every
// member access and call goes through sandbox.ts; every loop iteration, call and built value is
// charged to the render budget.
import type { Node } from 'nunjucks/src/nodes';
import runtime from 'nunjucks/src/runtime';
import { TemplateRenderError } from './errors';
import { escapeHtml, percentFormat } from './jinja-filters';
import * as operators from './jinja-operators';
import { Scope, type RenderContext } from './jinja-scope';
import { isPlainDict, pyStr, truthy, tuple } from './python-values';
import { limitExceeded, renderLimits, reserve, step } from './render-budget';
import { allowedMemberLookup, isForbiddenName, safeCall, safeMemberLookup, sandboxViolation, sliceOf } from './sandbox';
import type { JinjaEnvironment } from './template-environment';

type Expression = (scope: Scope) => unknown;
type Statement = (scope: Scope, out: Output) => void;

/** Filters and tests that accept an undefined subject, as under Jinja2's StrictUndefined. */
// link_header: a response without a Link header is the last page (`(response.headers.link | link_header).next`).
const UNDEFINED_TOLERANT_FILTERS = new Set(['default', 'd', 'items', 'link_header']);
const UNDEFINED_TOLERANT_TESTS = new Set(['defined', 'undefined', 'none', 'string', 'number', 'mapping', 'boolean', 'integer', 'float', 'sameas', 'callable', 'true', 'false']);

/** Where an error happened, for the message (1-based). */
interface Positioned {
  jinjaPosition?: [number, number];
}

/** Text being rendered (the template's, a macro's, a captured block's), bounded as it grows. */
class Output {
  private value = '';
  private readonly max = renderLimits().maxStringLength;

  write(text: string): void {
    if (this.value.length + text.length > this.max) {
      throw limitExceeded('maxStringLength', 'the rendered text is too long');
    }
    this.value += text;
  }

  text(): string {
    return this.value;
  }
}

export interface CompiledTree {
  render(context: RenderContext): string;
}

export function compileTree(root: Node, env: JinjaEnvironment): CompiledTree {
  const body = new TreeCompiler(env).statement(root);
  return {
    render(context) {
      const out = new Output();
      body(new Scope(context), out);
      return out.text();
    },
  };
}

class TreeCompiler {
  /** Inside `{% autoescape true %}`: printed values are HTML-escaped unless marked safe. */
  private autoescape = false;

  constructor(private readonly env: JinjaEnvironment) {}

  statement(node: Node): Statement {
    switch (node.typename) {
      case 'Root':
      case 'NodeList':
        return this.sequence(children(node));
      case 'Output':
        return this.output(node);
      case 'If': {
        const cond = this.expression(node.cond as Node);
        const body = this.statement(node.body as Node);
        const otherwise = node.else_ ? this.statement(node.else_ as Node) : undefined;
        return (scope, out) => {
          if (truthy(positioned(node.cond as Node, () => cond(scope)))) body(scope, out);
          else otherwise?.(scope, out);
        };
      }
      case 'For':
        return this.forLoop(node);
      case 'Set':
        return this.set(node);
      case 'Macro': {
        const name = (node.name as Node).value as string;
        const macro = this.macro(node);
        return (scope) => scope.set(name, macro(scope));
      }
      case 'Block':
        return this.statement(node.body as Node);
      case 'With': {
        // The values are evaluated in the outer scope, then bound in a new one.
        const targets = (node.targets as Node[]).map(nameOf);
        const values = (node.values as Node[]).map((value) => this.expression(value));
        const body = this.statement(node.body as Node);
        return (scope, out) => {
          const results = values.map((value) => value(scope));
          const inner = scope.child();
          targets.forEach((target, index) => inner.set(target, results[index]));
          body(inner, out);
        };
      }
      case 'AutoEscape': {
        const value = node.value as Node;
        if (value.typename !== 'Literal' || typeof value.value !== 'boolean') fail('autoescape takes true or false', node);
        const outer = this.autoescape;
        this.autoescape = value.value as boolean;
        try {
          const body = this.statement(node.body as Node);
          return (scope, out) => body(scope.child(), out); // a set inside stays inside, as in Jinja2
        } finally {
          this.autoescape = outer;
        }
      }
      default:
        return fail(`'${node.typename}' is not supported`, node);
    }
  }

  private sequence(nodes: Node[]): Statement {
    const statements = nodes.map((child) => this.statement(child));
    if (statements.length === 1) return statements[0];
    return (scope, out) => {
      for (const statement of statements) statement(scope, out);
    };
  }

  private output(node: Node): Statement {
    const parts = children(node).map((child): Statement => {
      if (child.typename === 'TemplateData') {
        const text = child.value as string;
        return (_, out) => out.write(text);
      }
      const value = this.expression(child);
      const escape = this.autoescape;
      return (scope, out) => {
        let result: unknown;
        try {
          result = value(scope);
        } catch (error) {
          throw mark(error, child);
        }
        out.write(escape && !(result instanceof runtime.SafeString) ? escapeHtml(printed(result)) : printed(result));
      };
    });
    return this.sequenceOf(parts);
  }

  private sequenceOf(statements: Statement[]): Statement {
    if (statements.length === 1) return statements[0];
    return (scope, out) => {
      for (const statement of statements) statement(scope, out);
    };
  }

  /** `{% for a, b in items if cond [recursive] %}…{% else %}…{% endfor %}`. */
  private forLoop(node: Node): Statement {
    const name = node.name as Node;
    const targets = name.typename === 'Array' ? children(name).map(nameOf) : [nameOf(name)];
    const source = node.arr as Node;
    const filtered = source.typename === 'InlineIf' && !source.else_;
    const items = this.expression(filtered ? source.body as Node : source);
    const cond = filtered ? this.expression(source.cond as Node) : undefined;
    const body = this.statement(node.body as Node);
    const otherwise = node.else_ ? this.statement(node.else_ as Node) : undefined;
    const recursive = node.recursive === true;
    // A body that assigns needs a fresh scope each iteration; the others can skip clearing it.
    const assigns = assignsInBody(node.body as Node);
    const bind = (scope: Scope, item: unknown) => {
      if (targets.length === 1) {
        scope.set(targets[0], item);
        return;
      }
      const values = unpack(item, targets.length);
      targets.forEach((target, index) => scope.set(target, values[index]));
    };
    const run = (scope: Scope, out: Output, value: unknown, depth: number): void => {
      let list = asList(operators.iterate(value, targets.length));
      if (cond !== undefined) {
        list = list.filter((item) => {
          step();
          const inner = scope.child();
          bind(inner, item);
          return truthy(cond(inner));
        });
      }
      if (list.length === 0) {
        otherwise?.(scope, out);
        return;
      }
      // One scope and one loop object per loop, cleared and updated per iteration (as Jinja2's
      // LoopContext): a `set` in the body lasts one iteration and never leaks out of the loop.
      const inner = scope.child();
      const length = list.length;
      let last: unknown[] | undefined;
      const loop: Record<string | symbol, unknown> = {
        index: 1,
        index0: 0,
        revindex: length,
        revindex0: length - 1,
        first: true,
        last: length === 1,
        length,
        depth,
        depth0: depth - 1,
        previtem: undefined,
        nextitem: undefined,
        cycle: (...values: unknown[]) => values[(loop.index0 as number) % values.length],
        changed: (...values: unknown[]) => {
          const changed = last === undefined || !operators.compare(last, '==', values);
          last = values;
          return changed;
        },
      };
      if (recursive) {
        // `loop(children)`: the same loop body over other items, one level deeper.
        loop[RECURSE] = (subitems: unknown) => {
          const nested = new Output();
          run(scope, nested, subitems, depth + 1);
          return runtime.markSafe(nested.text());
        };
      }
      for (let index = 0; index < length; index++) {
        step();
        if (assigns || index === 0) {
          inner.clear();
          inner.set('loop', loop);
        }
        bind(inner, list[index]);
        loop.index = index + 1;
        loop.index0 = index;
        loop.revindex = length - index;
        loop.revindex0 = length - index - 1;
        loop.first = index === 0;
        loop.last = index === length - 1;
        loop.previtem = index > 0 ? list[index - 1] : undefined;
        loop.nextitem = index < length - 1 ? list[index + 1] : undefined;
        body(inner, out);
      }
    };
    return (scope, out) => run(scope, out, positioned(source, () => items(scope)), 1);
  }

  /** `{% set a = … %}`, `{% set a, b = … %}` (unpacking) and `{% set a %}…{% endset %}`. */
  private set(node: Node): Statement {
    const targets = (node.targets as Node[]).map(nameOf);
    const value = this.expression((node.value ?? node.body) as Node); // `body` is a Capture
    return (scope) => {
      const result = positioned(node, () => value(scope));
      if (targets.length === 1) {
        scope.set(targets[0], result);
      } else {
        const values = unpack(result, targets.length);
        targets.forEach((target, index) => scope.set(target, values[index]));
      }
    };
  }

  private capture(body: Node): Expression {
    const statement = this.statement(body);
    return (scope) => {
      const out = new Output();
      statement(scope, out);
      return out.text();
    };
  }

  /**
   * A macro (or a call block's `caller`): a function over positional and keyword arguments,
   * its body rendered in a scope below the one it was defined in.
   */
  private macro(node: Node): (definedIn: Scope) => (...args: unknown[]) => string {
    const params: Array<{ name: string; fallback?: Expression }> = [];
    for (const arg of children(node.args as Node)) {
      if (arg.typename === 'KeywordArgs') {
        for (const pair of children(arg)) params.push({ name: nameOf(pair.key as Node), fallback: this.expression(pair.value as Node) });
      } else {
        if (nameOf(arg) === 'caller') fail("the special 'caller' argument of a macro must be left out or given a default", arg);
        params.push({ name: nameOf(arg) });
      }
    }
    const declaresCaller = params.some((param) => param.name === 'caller');
    const body = this.statement(node.body as Node);
    return (definedIn) => (...args: unknown[]) => {
      const keywords = args.length > 0 && isKeywordArgs(args[args.length - 1]) ? args.pop() as Record<string, unknown> : {};
      const scope = definedIn.child();
      const extraKeywords: Record<string, unknown> = {};
      const given = new Set<string>();
      params.forEach(({ name }, index) => {
        if (index < args.length) {
          scope.set(name, args[index]);
          given.add(name);
        }
      });
      for (const key of Object.keys(keywords)) {
        if (key === '__keywords' || (key === 'caller' && !declaresCaller)) continue;
        if (params.some(({ name }) => name === key)) {
          scope.set(key, keywords[key]);
          given.add(key);
        } else {
          extraKeywords[key] = keywords[key];
        }
      }
      for (const { name, fallback } of params) {
        if (!given.has(name)) scope.set(name, fallback === undefined ? undefined : fallback(scope));
      }
      scope.set('varargs', args.slice(params.length));
      scope.set('kwargs', extraKeywords);
      if (!declaresCaller) scope.set('caller', keywords.caller);
      const out = new Output();
      body(scope, out);
      return out.text();
    };
  }

  expression(node: Node): Expression {
    switch (node.typename) {
      case 'Literal': {
        const value = node.value;
        return () => value;
      }
      case 'Symbol': {
        const name = node.value as string;
        const [line, column] = [node.lineno + 1, node.colno + 1];
        return (scope) => {
          const value = scope.lookup(name);
          return value === undefined ? operators.defined(value, name, line, column, scope.context.params) : value;
        };
      }
      case 'LookupVal': {
        const key = node.val as Node;
        if (key.typename === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
          // `order.id`: the key is checked once here, the lookup and the undefined check are one step.
          const constant = key.value;
          if (typeof constant === 'string' && isForbiddenName(constant)) {
            return () => { throw sandboxViolation('a member named constructor, prototype or __*'); };
          }
          const target = this.expression(node.target as Node);
          const [name, line, column] = [nodeName(node), node.lineno + 1, node.colno + 1];
          return (scope) => {
            const value = allowedMemberLookup(target(scope), constant);
            return value === undefined ? operators.defined(value, name, line, column) : value;
          };
        }
        return this.strict(node, this.lenient(node));
      }
      case 'FunCall':
        return this.call(node);
      case 'Filter':
        return this.filter(node);
      case 'Is':
        return this.test(node);
      case 'In': {
        const [left, right] = [this.expression(node.left as Node), this.expression(node.right as Node)];
        return (scope) => contains(right(scope), left(scope));
      }
      case 'Not': {
        const target = this.expression(node.target as Node);
        return (scope) => !truthy(target(scope));
      }
      case 'Or':
      case 'And': {
        const [left, right] = [this.expression(node.left as Node), this.expression(node.right as Node)];
        return node.typename === 'Or'
          ? (scope) => operators.or(left(scope), () => right(scope))
          : (scope) => operators.and(left(scope), () => right(scope));
      }
      case 'Compare':
        return this.compare(node);
      case 'Add': case 'Sub': case 'Mul': case 'Div': case 'FloorDiv': case 'Mod': case 'Pow': case 'Concat': {
        const operation = BINARY[node.typename];
        const [left, right] = [this.expression(node.left as Node), this.expression(node.right as Node)];
        return (scope) => operation(left(scope), right(scope));
      }
      case 'Neg':
      case 'Pos': {
        const target = this.expression(node.target as Node);
        const sign = node.typename === 'Neg' ? -1 : 1;
        return (scope) => sign * operators.number(target(scope), node.typename === 'Neg' ? 'unary -' : 'unary +');
      }
      case 'Group': {
        const items = children(node).map((child) => this.expression(child));
        if (items.length === 1 && node.tuple !== true) return items[0];
        return (scope) => tuple(items.map((item) => item(scope)));
      }
      case 'Array': {
        const items = children(node).map((child) => this.expression(child));
        return (scope) => {
          reserve(items.length, 'list', 'a list literal is too long');
          return items.map((item) => item(scope));
        };
      }
      case 'Dict':
        return this.dict(node);
      case 'InlineIf': {
        const cond = this.expression(node.cond as Node);
        const body = this.expression(node.body as Node);
        const otherwise = node.else_ ? this.expression(node.else_ as Node) : () => '';
        return (scope) => (truthy(cond(scope)) ? body(scope) : otherwise(scope));
      }
      case 'Capture':
        return this.capture(node.body as Node);
      case 'Caller': {
        const caller = this.macro(node);
        return (scope) => caller(scope);
      }
      default:
        return fail(`'${node.typename}' is not supported in an expression`, node);
    }
  }

  /** A variable or member whose value may be undefined (the subject of `default`, `is defined`). */
  private lenient(node: Node): Expression {
    if (node.typename === 'Symbol') {
      const name = node.value as string;
      return (scope) => scope.lookup(name);
    }
    if (node.typename === 'LookupVal') {
      const target = this.expression(node.target as Node);
      const key = node.val as Node;
      if (key.typename === 'Slice') {
        const [start, stop, by] = [key.start, key.stop, key.step].map((part) => this.expression(part as Node));
        return (scope) => sliceOf(target(scope), start(scope), stop(scope), by(scope));
      }
      if (key.typename === 'Literal') {
        const constant = key.value;
        return (scope) => safeMemberLookup(target(scope), constant);
      }
      const member = this.expression(key);
      return (scope) => safeMemberLookup(target(scope), member(scope));
    }
    return this.expression(node);
  }

  /** StrictUndefined: using a missing variable or member anywhere else is an error. */
  private strict(node: Node, value: Expression): Expression {
    const name = nodeName(node);
    const line = node.lineno + 1;
    const column = node.colno + 1;
    return (scope) => {
      const result = value(scope);
      return result === undefined ? operators.defined(result, name, line, column) : result;
    };
  }

  private arguments(nodes: Node[]): (scope: Scope) => unknown[] {
    const parts = nodes.map((arg): Expression => {
      if (arg.typename !== 'KeywordArgs') return this.expression(arg);
      const pairs = children(arg).map((pair) => [nameOf(pair.key as Node), this.expression(pair.value as Node)] as const);
      return (scope) => {
        const keywords: Record<string, unknown> = { __keywords: true };
        for (const [key, value] of pairs) keywords[key] = value(scope);
        return keywords;
      };
    });
    return (scope) => parts.map((part) => part(scope));
  }

  private call(node: Node): Expression {
    const callee = this.expression(node.name as Node);
    const args = this.arguments(children(node.args as Node));
    const name = nodeName(node.name as Node);
    return (scope) => {
      const target = callee(scope);
      if (typeof target === 'object' && target !== null && RECURSE in target) {
        return nestedCallOf(target as Record<symbol, (items: unknown) => unknown>, args(scope));
      }
      return safeCall(target, name, args(scope));
    };
  }

  private filter(node: Node): Expression {
    const name = (node.name as Node).value as string;
    const filter = this.env.filters[name];
    // As in Jinja2 3.1, an unknown filter fails when it is used, not in an untaken branch.
    if (filter === undefined) return () => fail(`no filter named '${name}'`, node);
    const [subject, ...rest] = children(node.args as Node);
    const value = UNDEFINED_TOLERANT_FILTERS.has(name) ? this.lenient(subject) : this.expression(subject);
    const context = this.env.filterContext;
    if (rest.length === 0) {
      return (scope) => filter.call(context, value(scope));
    }
    const args = this.arguments(rest);
    return (scope) => filter.call(context, value(scope), ...args(scope));
  }

  private test(node: Node): Expression {
    const right = node.right as Node;
    const nameNode = right.typename === 'FunCall' ? right.name as Node : right;
    const name = nameNode.typename === 'Literal' ? (nameNode.value === null ? 'none' : String(nameNode.value)) : nameNode.value as string;
    const test = this.env.tests[name];
    if (test === undefined) return () => fail(`no test named '${name}'`, node);
    const subject = UNDEFINED_TOLERANT_TESTS.has(name) ? this.lenient(node.left as Node) : this.expression(node.left as Node);
    const args = right.typename === 'FunCall' ? this.arguments(children(right.args as Node)) : () => [];
    return (scope) => test(subject(scope), ...args(scope)) === true;
  }

  /** `a < b < c` is `a < b and b < c`, as in Python. */
  private compare(node: Node): Expression {
    const first = this.expression(node.expr as Node);
    const ops = (node.ops as Node[]).map((op) => [op.type as string, this.expression(op.expr as Node)] as const);
    return (scope) => {
      let left = first(scope);
      for (const [op, operand] of ops) {
        const right = operand(scope);
        if (!operators.compare(left, op, right)) return false;
        left = right;
      }
      return true;
    };
  }

  private dict(node: Node): Expression {
    // Storing an undefined value is not a use of it (xmlattr skips such entries, as in Jinja2).
    const pairs = children(node).map((pair) => [this.expression(pair.key as Node), this.lenient(pair.value as Node)] as const);
    return (scope) => {
      reserve(pairs.length, 'list', 'a dict literal is too long');
      const dict: Record<string, unknown> = {};
      for (const [key, value] of pairs) {
        const name = pyStr(key(scope));
        if (isForbiddenName(name)) throw sandboxViolation('a member named constructor, prototype or __*');
        dict[name] = value(scope);
      }
      return dict;
    };
  }
}

const BINARY: Record<string, (left: unknown, right: unknown) => unknown> = {
  Add: operators.add,
  Sub: operators.subtract,
  Mul: operators.mul,
  Div: operators.divide,
  FloorDiv: operators.floorDivide,
  // `'%s-%d' % (a, b)`: Python's string formatting.
  Mod: (left, right) => (typeof left === 'string' ? percentFormat(left, Array.isArray(right) ? right : [right]) : operators.modulo(left, right)),
  Pow: operators.power,
  Concat: operators.concat,
};

/** True when a statement of `body` (not of a nested loop or macro) binds a name. */
function assignsInBody(body: Node): boolean {
  const visit = (node: Node): boolean => {
    if (node.typename === 'Set' || node.typename === 'Macro') return true;
    if (node.typename === 'For' || node.typename === 'With' || typeof node.typename !== 'string') return false;
    return (node.fields as string[]).some((field) => {
      const child = node[field];
      const list = Array.isArray(child) ? child : [child];
      return list.some((entry) => typeof entry === 'object' && entry !== null && typeof (entry as Node).typename === 'string' && visit(entry as Node));
    });
  };
  return visit(body);
}

/** Marks a recursive loop object: calling it renders the loop body over other items. */
const RECURSE = Symbol('recurse');

function nestedCallOf(loop: Record<symbol, (items: unknown) => unknown>, args: unknown[]): unknown {
  return safeCall((items: unknown) => loop[RECURSE](items), 'loop', args);
}

/** `{{ value }}`: Python's str(); printing an undefined result is an error, as under StrictUndefined. */
function printed(value: unknown): string {
  if (value === undefined) {
    throw new TemplateRenderError('an undefined value was printed');
  }
  return pyStr(value);
}

/** Python's `in`: substring, list membership, dict key. */
function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateRenderError(`'in <string>' requires string as left operand, not ${operators.typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((entry) => operators.compare(entry, '==', item));
  if (isPlainDict(container)) return typeof item === 'string' && Object.prototype.hasOwnProperty.call(container, item);
  throw new TemplateRenderError(`argument of type '${operators.typeName(container)}' is not iterable`);
}

function asList(items: unknown): unknown[] {
  return typeof items === 'string' ? [...items] : items as unknown[];
}

function unpack(value: unknown, count: number): unknown[] {
  const values = typeof value === 'string' ? [...value] : Array.isArray(value) ? value : undefined;
  if (values === undefined || values.length !== count) {
    throw new TemplateRenderError(`cannot unpack ${values === undefined ? `'${operators.typeName(value)}'` : `${values.length} values`} into ${count} names`);
  }
  return values;
}

function isKeywordArgs(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__keywords');
}

function children(node: Node): Node[] {
  return node.children as Node[];
}

function nameOf(node: Node): string {
  if (node.typename !== 'Symbol') fail('expected a name', node);
  return node.value as string;
}

/** How a variable reads in the template, for error messages: `user.address.city`, `items[0]`. */
export function nodeName(node: Node): string {
  switch (node.typename) {
    case 'Symbol':
      return String(node.value);
    case 'LookupVal': {
      const key = node.val as Node;
      const target = nodeName(node.target as Node);
      if (key.typename === 'Literal' && typeof key.value === 'string' && /^[A-Za-z_]\w*$/.test(key.value)) {
        return `${target}.${key.value}`;
      }
      return key.typename === 'Literal' && typeof key.value === 'number' ? `${target}[${key.value}]` : `${target}[...]`;
    }
    case 'FunCall':
      return `${nodeName(node.name as Node)}()`;
    default:
      return 'expression';
  }
}

/** Runs `evaluate`, marking an error with the node's position if nothing inside it did. */
function positioned<T>(node: Node, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    throw mark(error, node);
  }
}

function mark(error: unknown, node: Node): unknown {
  if (typeof error === 'object' && error !== null) {
    (error as Positioned).jinjaPosition ??= [node.lineno + 1, node.colno + 1];
  }
  return error;
}

function fail(message: string, node: Node): never {
  throw new TemplateRenderError(`${message} (line ${node.lineno + 1}, column ${node.colno + 1})`);
}
