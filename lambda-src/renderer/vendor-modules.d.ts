// Types for the nunjucks and undici internals the renderer imports directly (importing the
// pieces rather than the package entry points keeps the bundle small). Only what we use.

declare module 'nunjucks/src/runtime' {
  export interface Frame {
    lookup(name: string): unknown;
  }
  export interface Context {
    ctx: Record<string, unknown>;
    env: { globals: Record<string, unknown> };
  }
  /** The module object: compiled templates call these properties, so replacing them takes effect. */
  interface Runtime {
    memberLookup: (obj: unknown, key: unknown, ...slice: unknown[]) => unknown;
    contextOrFrameLookup: (context: Context, frame: Frame, name: string) => unknown;
    callWrap: (fn: unknown, name: string, context: Context, args: unknown[]) => unknown;
    suppressValue: (value: unknown, autoescape: boolean) => unknown;
    /** Jinja2 operators the patched compiler emits calls to (jinja-operators.ts). */
    jinja?: object;
    Frame: { prototype: { set(name: string, value: unknown, resolveUp?: boolean): void } };
    /** Text marked safe (escape, safe filters): autoescape leaves it as it is. */
    SafeString: new (text: string) => object;
    markSafe(text: string): object;
  }
  const runtime: Runtime;
  export default runtime;
}

declare module 'nunjucks/src/nodes' {
  export interface Node {
    readonly typename: string;
    lineno: number;
    colno: number;
    [field: string]: unknown;
  }
  export interface NodeClass {
    new (lineno: number, colno: number, ...fields: unknown[]): Node;
    extend(typename: string, members?: object): NodeClass;
  }
  const nodes: Record<'Dict' | 'Pair' | 'Capture' | 'Filter' | 'Output' | 'Block' | 'For' | 'TemplateData', NodeClass> & {
    Node: NodeClass;
    Symbol: NodeClass;
    Literal: NodeClass;
    Group: NodeClass;
    InlineIf: NodeClass;
    Array: NodeClass;
    FunCall: NodeClass;
    NodeList: NodeClass;
    Is: NodeClass;
    Not: NodeClass;
    LookupVal: NodeClass;
  };
  export default nodes;
}

declare module 'nunjucks/src/compiler' {
  import type { Node } from 'nunjucks/src/nodes';
  export interface CompileFrame {
    lookup(name: string): string | undefined;
    set(name: string, value: string): void;
    push(): CompileFrame;
  }
  export interface CompilerInstance {
    _emit(code: string): void;
    _emitLine(code: string): void;
    _tmpid(): string;
    compile(node: Node, frame?: CompileFrame): void;
    fail(message: string, lineno?: number, colno?: number): never;
  }
  export type CompileMethod = (this: CompilerInstance, node: Node, frame: CompileFrame, ...rest: unknown[]) => void;
  const compiler: {
    Compiler: {
      new (templateName: string | undefined, throwOnUndefined: boolean): CompilerInstance & { getCode(): string };
      prototype: CompilerInstance & Record<string, CompileMethod>;
    };
  };
  export default compiler;
}

declare module 'nunjucks/src/parser' {
  import type { Node } from 'nunjucks/src/nodes';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const parser: {
    Parser: { prototype: Record<string, (this: any, ...args: unknown[]) => Node> };
    parse(source: string, extensions: unknown[], options: object): Node;
  };
  export default parser;
}

declare module 'nunjucks/src/transformer' {
  import type { Node } from 'nunjucks/src/nodes';
  const transformer: { transform(tree: Node, asyncFilters: string[], name: string | undefined): Node };
  export default transformer;
}

declare module 'nunjucks/src/lib' {
  const lib: { getAttrGetter: (attribute: string) => (item: unknown) => unknown };
  export default lib;
}

declare module 'nunjucks/src/environment' {
  export interface CompiledTemplate {
    render(context: object): string;
  }
  export class Environment {
    constructor(loaders: null, options: { autoescape: boolean; dev?: boolean });
    globals: Record<string, unknown>;
    addFilter(name: string, filter: (...args: never[]) => unknown): this;
    addTest(name: string, test: (...args: never[]) => boolean): this;
    getFilter(name: string): (...args: unknown[]) => unknown;
    getTest(name: string): (...args: unknown[]) => boolean;
    addGlobal(name: string, value: unknown): this;
    opts: object;
    filters: Record<string, (...args: never[]) => unknown>;
  }
  export class Template implements CompiledTemplate {
    constructor(source: string | { type: 'code'; obj: object }, env: Environment, path?: string, eagerCompile?: boolean);
    render(context: object): string;
  }
}

declare module 'nunjucks/src/jinja-compat' {
  function installJinjaCompat(this: object): () => void;
  export default installJinjaCompat;
}

declare module 'undici/lib/dispatcher/agent' {
  import { Agent } from 'undici';
  export default Agent;
}

declare module 'undici/lib/core/connect' {
  import { buildConnector } from 'undici';
  export default buildConnector;
}

declare module 'nunjucks/src/lexer' {
  interface Tokenizer {
    nextToken(): { type: string; value: unknown } | null;
  }
  const lexer: Record<`TOKEN_${string}`, string> & { lex(source: string, options: object): Tokenizer };
  export default lexer;
}

declare module 'nunjucks/src/filters' {
  const filters: Record<string, (...args: unknown[]) => unknown>;
  export default filters;
}

declare module 'nunjucks/src/tests' {
  const tests: Record<string, (value: unknown, ...args: unknown[]) => boolean>;
  export default tests;
}

declare module 'nunjucks/src/globals' {
  function globals(): {
    range(...args: unknown[]): unknown[];
    cycler(...items: unknown[]): unknown;
    joiner(separator?: string): unknown;
  };
  export default globals;
}
