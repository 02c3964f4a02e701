// Builds a stack holding one TemplatedApiCaller, for tests.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TemplatedApiCaller, TemplatedApiCallerProps } from '../src';

export interface Built {
  readonly stack: Stack;
  readonly caller: TemplatedApiCaller;
  readonly template: Template;
}

/** `extra` builds props that need the stack (hooks, tables, topics). */
export function build(props: TemplatedApiCallerProps = {}, extra?: (stack: Stack) => TemplatedApiCallerProps): Built {
  const stack = new Stack(new App(), 'Test');
  const caller = new TemplatedApiCaller(stack, 'Caller', { ...props, ...extra?.(stack) });
  return { stack, caller, template: Template.fromStack(stack) };
}

/** Builds without synthesizing, to test validation. */
export function construct(props: TemplatedApiCallerProps = {}, extra?: (stack: Stack) => TemplatedApiCallerProps): TemplatedApiCaller {
  const stack = new Stack(new App(), 'Test');
  return new TemplatedApiCaller(stack, 'Caller', { ...props, ...extra?.(stack) });
}

/** The only resource of `type`, with its logical id. */
export function only(template: Template, type: string): { id: string; resource: any } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return { id: found[0][0], resource: found[0][1] };
}
