// The renderLimits prop: what reaches the renderer's environment, what is refused at synth, and
// that the documented defaults are the ones the renderer applies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Token } from 'aws-cdk-lib';
import { build, construct, only } from './stacks';
import { readConfig } from '../lambda-src/renderer/config';
import { DEFAULT_RENDER_LIMITS } from '../lambda-src/renderer/render-budget';
import { RendererEnvironment } from '../src';

function environmentOf(props: Parameters<typeof build>[0]): Record<string, string> {
  return only(build(props).template, 'AWS::Lambda::Function').resource.Properties.Environment.Variables;
}

test('without the prop the renderer keeps its defaults', () => {
  const env = environmentOf({});
  expect(env[RendererEnvironment.RENDER_LIMITS]).toBeUndefined();
  expect(readConfig(env).renderLimits).toEqual(DEFAULT_RENDER_LIMITS);
});

test('the limits set reach the renderer; the others keep their defaults', () => {
  const env = environmentOf({ renderLimits: { maxSteps: 5000, maxListLength: 10, timeout: Duration.millis(250) } });
  expect(JSON.parse(env[RendererEnvironment.RENDER_LIMITS])).toEqual({ maxSteps: 5000, maxListLength: 10, timeoutMs: 250 });
  expect(readConfig(env).renderLimits).toEqual({ ...DEFAULT_RENDER_LIMITS, maxSteps: 5000, maxListLength: 10, timeoutMs: 250 });
});

test.each([
  ['maxSteps', { maxSteps: 0 }],
  ['maxCallDepth', { maxCallDepth: 1.5 }],
  ['maxStringLength', { maxStringLength: -1 }],
  ['timeout', { timeout: Duration.seconds(0) }],
  ['maxNesting', { maxNesting: Token.asNumber({ Ref: 'Param' }) }],
])('refuses renderLimits.%s at synth', (name, limits) => {
  expect(() => construct({ renderLimits: limits })).toThrow(new RegExp(`renderLimits\\.${name}`));
});

test("every documented @default is the renderer's default", () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'render-limits.ts'), 'utf8');
  const documented = Object.fromEntries([...source.matchAll(/@default (\S+)[^\n]*\n\s*\*\/\n\s*readonly (\w+)\?/g)]
    .map(([, value, name]) => [name === 'timeout' ? 'timeoutMs' : name, name === 'timeout' ? Number(/seconds\((\d+)\)/.exec(value)![1]) * 1000 : Number(value)]));
  expect(documented).toEqual(DEFAULT_RENDER_LIMITS);
});
