import { allStates, polyfillPromiseWithResolvers, rewriteNegativeTypeTests } from '../../../cli-src/local-runner/asl-compat';

describe('rewriteNegativeTypeTests', () => {
  test('turns every `<type test>: false` into `Not: { <type test>: true }`, keeping Next', () => {
    const choice = {
      Type: 'Choice',
      Choices: [
        { Variable: '$.a', IsPresent: false, Next: 'A' },
        { And: [{ Variable: '$.b', IsNull: false }, { Variable: '$.c', IsString: true }], Next: 'B' },
      ],
    };
    expect(rewriteNegativeTypeTests(choice)).toEqual({
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.a', IsPresent: true }, Next: 'A' },
        { And: [{ Not: { Variable: '$.b', IsNull: true } }, { Variable: '$.c', IsString: true }], Next: 'B' },
      ],
    });
  });
});

describe('allStates', () => {
  test('walks Parallel branches and Map processors', () => {
    const definition = {
      States: {
        P: { Type: 'Parallel', Branches: [{ States: { A: { Type: 'Pass' } } }] },
        M: { Type: 'Map', ItemProcessor: { States: { B: { Type: 'Pass' } } } },
      },
    };
    expect([...allStates(definition)].map(([name]) => name)).toEqual(['P', 'A', 'M', 'B']);
  });
});

describe('polyfillPromiseWithResolvers', () => {
  test('provides a working Promise.withResolvers', async () => {
    polyfillPromiseWithResolvers();
    const { promise, resolve } = (Promise as any).withResolvers();
    resolve(42);
    await expect(promise).resolves.toBe(42);
  });
});
