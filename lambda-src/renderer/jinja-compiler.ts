// Teaches the nunjucks compiler Jinja2 semantics, on the syntax tree rather than the template
// text: strict undefined wherever a value is used, Python truthiness, `~`/`+`/`*`/comparisons
// without JS coercion, dict iteration, `for ... if ...`, and no internals as set/dict names.
import compiler from 'nunjucks/src/compiler';
import type { CompileFrame, CompileMethod, CompilerInstance } from 'nunjucks/src/compiler';
import nodes from 'nunjucks/src/nodes';
import type { Node } from 'nunjucks/src/nodes';
import runtime from 'nunjucks/src/runtime';
import * as operators from './jinja-operators';
import { truthy } from './python-values';
import { limitExceeded, renderLimits, step } from './render-budget';
import { isForbiddenName } from './sandbox';

/** Filters and tests that accept an undefined subject, as under Jinja2's StrictUndefined. */
const UNDEFINED_TOLERANT_FILTERS = new Set(['default', 'd']);
const UNDEFINED_TOLERANT_TESTS = new Set(['defined', 'undefined', 'none', 'string', 'number', 'mapping', 'boolean', 'integer', 'float', 'sameas', 'callable', 'true', 'false']);
const ALLOWS_UNDEFINED = 'jinjaAllowsUndefined';

/** Emits `runtime.jinja.truthy(<child>)`; a Group subclass so nunjucks' type checks accept it. */
const Truthy = nodes.Group.extend('JinjaTruthy');

let installed = false;

export function installJinjaCompiler(): void {
  if (installed) {
    return;
  }
  installed = true;
  runtime.jinja = { ...operators, truthy, loopCycle, step, checkOutput };
  const proto = compiler.Compiler.prototype;
  const original = (name: string): CompileMethod => proto[name];

  // Template text reaches the generated code only as JSON string literals (template-compiler.ts
  // has already refused every other kind of literal and every name that is not an identifier).
  proto.compileLiteral = function (node) {
    const value = node.value;
    this._emit(typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : String(value as number | boolean));
  };
  proto.compileFunCall = function (node, frame) {
    this._emit(`(lineno = ${Number(node.lineno)}, colno = ${Number(node.colno)}, runtime.callWrap(`);
    this.compile(node.name as Node, frame);
    this._emit(`, ${JSON.stringify(nodeName(node.name as Node))}, context, [`);
    ((node.args as Node).children as Node[]).forEach((arg, index) => {
      if (index > 0) this._emit(', ');
      this.compile(arg, frame);
    });
    this._emit(']))');
  };
  // Every output statement checks the buffer it appends to, so no loop can grow it unbounded.
  const compileOutput = original('compileOutput');
  proto.compileOutput = function (node, frame) {
    compileOutput.call(this, node, frame);
    this._emitLine(`runtime.jinja.checkOutput(${(this as unknown as { buffer: string }).buffer});`);
  };

  const compileSymbol = original('compileSymbol');
  const compileLookupVal = original('compileLookupVal');
  proto.compileSymbol = strict(compileSymbol);
  proto.compileLookupVal = strict(compileLookupVal);

  const compileFilter = original('compileFilter');
  proto.compileFilter = function (node, frame) {
    const name = (node.name as Node).value as string;
    if (UNDEFINED_TOLERANT_FILTERS.has(name)) {
      allowUndefined(((node.args as Node).children as Node[])[0]);
    }
    compileFilter.call(this, node, frame);
  };

  const compileIs = original('compileIs');
  proto.compileIs = function (node, frame) {
    const test = node.right as Node;
    // `none` is a literal to nunjucks' lexer: `x is none` names nunjucks' `null` test.
    const name = test.value === null ? 'none' : ((test.name as Node | undefined)?.value ?? test.value) as string;
    if (UNDEFINED_TOLERANT_TESTS.has(name)) {
      allowUndefined(node.left as Node);
    }
    compileIs.call(this, node, frame);
  };

  proto.compileJinjaTruthy = function (node, frame) {
    call(this, 'truthy', frame, (node.children as Node[])[0]);
  };
  const compileIf = original('compileIf');
  proto.compileIf = function (node, frame, ...rest) {
    node.cond = new Truthy(node.lineno, node.colno, [node.cond]);
    compileIf.call(this, node, frame, ...rest);
  };
  proto.compileInlineIf = function (node, frame) {
    this._emit('(');
    call(this, 'truthy', frame, node.cond as Node);
    this._emit(' ? ');
    this.compile(node.body as Node, frame);
    this._emit(' : ');
    if (node.else_) {
      this.compile(node.else_ as Node, frame);
    } else {
      this._emit('""');
    }
    this._emit(')');
  };
  // Tuples: `(1, 2)` is a list, not JavaScript's comma operator.
  const compileGroup = original('compileGroup');
  proto.compileGroup = function (node, frame) {
    const children = node.children as Node[];
    if (children.length > 1) {
      this._emit('[');
      children.forEach((child, index) => {
        if (index > 0) this._emit(', ');
        this.compile(child, frame);
      });
      this._emit(']');
    } else {
      compileGroup.call(this, node, frame);
    }
  };
  proto.compileNot = function (node, frame) {
    this._emit('!');
    call(this, 'truthy', frame, node.target as Node);
  };
  proto.compileOr = lazyRight('or');
  proto.compileAnd = lazyRight('and');
  proto.compileConcat = binary('concat');
  proto.compileAdd = binary('add');
  proto.compileMul = binary('mul');
  proto.compileCompare = function (node, frame) {
    // a < b < c means a < b and b < c, as in Python.
    let left = node.expr as Node;
    (node.ops as Node[]).forEach((op, index) => {
      this._emit(index === 0 ? '(' : ' && ');
      this._emit('runtime.jinja.compare(');
      this.compile(left, frame);
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.compile(op.expr as Node, frame);
      this._emit(')');
      left = op.expr as Node;
    });
    this._emit(')');
  };

  const compileFor = original('compileFor');
  proto.compileFor = function (node, frame) {
    const names = node.name instanceof nodes.Array ? (node.name.children as Node[]).length : 1;
    const arr = node.arr as Node;
    if (arr instanceof nodes.InlineIf && !arr.else_) {
      node.arr = filteredLoopItems(this, node, arr, frame, names);
    } else {
      node.arr = iterableNode(arr, names);
    }
    compileFor.call(this, node, frame);
  };
  proto.compileJinjaIterable = function (node, frame) {
    this._emit('runtime.jinja.iterate(');
    this.compile((node.children as Node[])[0], frame);
    this._emit(`, ${node.names as number})`);
  };

  // The `loop` variable as one object per iteration (nunjucks sets eight dotted names, each
  // split and walked on every iteration), plus cycle, previtem and nextitem, which it lacks.
  const bindings = proto as unknown as { _emitLoopBindings: (this: CompilerInstance, node: Node, arr: string, i: string, len: string) => void };
  bindings._emitLoopBindings = function (_node, arr, i, len) {
    this._emitLine('runtime.jinja.step();');
    this._emitLine(`frame.set("loop", { index: ${i} + 1, index0: ${i}, revindex: ${len} - ${i}, revindex0: ${len} - ${i} - 1, `
      + `first: ${i} === 0, last: ${i} === ${len} - 1, length: ${len}, cycle: runtime.jinja.loopCycle, `
      + `previtem: ${i} > 0 ? ${arr}[${i} - 1] : undefined, nextitem: ${i} < ${len} - 1 ? ${arr}[${i} + 1] : undefined });`);
  };

  const compileSet = original('compileSet');
  proto.compileSet = function (node, frame) {
    for (const target of node.targets as Node[]) {
      refuseInternalName(this, target.value as string, target);
    }
    compileSet.call(this, node, frame);
  };
  const compilePair = original('compilePair');
  proto.compilePair = function (node, frame) {
    const key = node.key as Node;
    if (typeof key.value === 'string') {
      refuseInternalName(this, key.value, key);
    }
    compilePair.call(this, node, frame);
  };
}

function checkOutput(buffer: string): void {
  if (buffer.length > renderLimits().maxStringLength) {
    throw limitExceeded('maxStringLength', 'the rendered text is too long');
  }
}

/** loop.cycle('odd', 'even'): bound to the loop object by the sandbox's member lookup. */
function loopCycle(this: { index0: number }, ...values: unknown[]): unknown {
  return values[this.index0 % values.length];
}

function strict(compile: CompileMethod): CompileMethod {
  return function (node, frame) {
    if (node[ALLOWS_UNDEFINED] === true) {
      compile.call(this, node, frame);
      return;
    }
    this._emit('runtime.jinja.defined(');
    compile.call(this, node, frame);
    // Position and, for a top-level name, the params (to suggest the closest name).
    this._emit(`, ${JSON.stringify(nodeName(node))}, ${Number(node.lineno) + 1}, ${Number(node.colno) + 1}${node.typename === 'Symbol' ? ', context.ctx' : ''})`);
  };
}

function allowUndefined(node: Node | undefined): void {
  if (node && (node.typename === 'Symbol' || node.typename === 'LookupVal')) {
    node[ALLOWS_UNDEFINED] = true;
  }
}

/** How a variable reads in the template, for error messages: `user.address.city`, `items[0]`. */
function nodeName(node: Node): string {
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

function call(self: CompilerInstance, helper: string, frame: CompileFrame, ...args: Node[]): void {
  self._emit(`runtime.jinja.${helper}(`);
  args.forEach((arg, index) => {
    if (index > 0) {
      self._emit(', ');
    }
    self.compile(arg, frame);
  });
  self._emit(')');
}

function binary(helper: string): CompileMethod {
  return function (node, frame) {
    call(this, helper, frame, node.left as Node, node.right as Node);
  };
}

/** Python's `or`/`and` return an operand and evaluate the right one only when needed. */
function lazyRight(helper: string): CompileMethod {
  return function (node, frame) {
    this._emit(`runtime.jinja.${helper}(`);
    this.compile(node.left as Node, frame);
    this._emit(', () => (');
    this.compile(node.right as Node, frame);
    this._emit('))');
  };
}

const Iterable = nodes.Group.extend('JinjaIterable');

function iterableNode(arr: Node, names: number): Node {
  const node = new Iterable(arr.lineno, arr.colno, [arr]);
  node.names = names;
  return node;
}

/**
 * `for x in xs if cond`: Jinja2 filters before looping, so loop.index and `else` count only the
 * kept items. Emits the filtering pass and returns a symbol bound to the filtered array.
 */
function filteredLoopItems(self: CompilerInstance, node: Node, arr: Node, frame: CompileFrame, names: number): Node {
  const kept = self._tmpid();
  const item = self._tmpid();
  self._emit(`var ${kept} = [];\nfor (const ${item} of runtime.fromIterator(`);
  self.compile(iterableNode(arr.body as Node, names), frame);
  self._emitLine(')) {');
  self._emitLine('runtime.jinja.step();');
  self._emitLine('frame = frame.push();');
  const inner = frame.push();
  const targets = names > 1 ? (node.name as Node).children as Node[] : [node.name as Node];
  targets.forEach((target, index) => {
    const id = self._tmpid();
    self._emitLine(`var ${id} = ${names > 1 ? `${item}[${index}]` : item};`);
    self._emitLine(`frame.set(${JSON.stringify(target.value)}, ${id});`);
    inner.set(target.value as string, id);
  });
  self._emit('if (runtime.jinja.truthy(');
  self.compile(arr.cond as Node, inner);
  self._emitLine(`)) { ${kept}.push(${item}); }`);
  self._emitLine('frame = frame.pop();');
  self._emitLine('}');
  frame.set(kept, kept);
  const symbol = new nodes.Symbol(arr.lineno, arr.colno, kept);
  symbol[ALLOWS_UNDEFINED] = true;
  return symbol;
}

function refuseInternalName(self: CompilerInstance, name: string, node: Node): void {
  if (isForbiddenName(name)) {
    self.fail(`sandbox: '${name}' cannot be used as a name`, node.lineno, node.colno);
  }
}
