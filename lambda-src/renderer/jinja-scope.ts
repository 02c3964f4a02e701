// Variables as Jinja2 scopes them: the template's top level, a scope per loop iteration and per
// macro call (a `set` inside them does not leak out), and `if`/`filter`/`call` bodies sharing
// their enclosing scope. Names not set in the template are the params, then the globals.
import { hasOwn } from './python-values';

const PYTHON_CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

/** Params and globals: what every scope falls back to. */
export interface RenderContext {
  readonly params: Record<string, unknown>;
  readonly globals: Record<string, unknown>;
}

export class Scope {
  private readonly variables = new Map<string, unknown>();

  constructor(readonly context: RenderContext, private readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this.context, this);
  }

  set(name: string, value: unknown): void {
    this.variables.set(name, value);
  }

  /** Forgets this scope's own variables (a loop's scope, at the start of each iteration). */
  clear(): void {
    this.variables.clear();
  }

  /** Own data only: nothing is read through a prototype. */
  lookup(name: string): unknown {
    for (let scope: Scope | undefined = this; scope !== undefined; scope = scope.parent) {
      const value = scope.variables.get(name);
      if (value !== undefined || scope.variables.has(name)) return value;
    }
    const { params, globals } = this.context;
    if (hasOwn(params, name)) return params[name];
    if (hasOwn(globals, name)) return globals[name];
    return hasOwn(PYTHON_CONSTANTS, name) ? PYTHON_CONSTANTS[name] : undefined;
  }
}
