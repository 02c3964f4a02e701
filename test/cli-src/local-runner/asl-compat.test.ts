import { LocalWorkflowRunner } from '../../../cli-src/local-runner';
import { allStates, polyfillPromiseWithResolvers, rewriteNegativeTypeTests, rewriteWholeResultPaths } from '../../../cli-src/local-runner/asl-compat';

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

describe('rewriteWholeResultPaths', () => {
  test('drops ResultPath "$" from states and catchers, keeps every other ResultPath', () => {
    const state = { Type: 'Task', ResultPath: '$', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'X' }, { ErrorEquals: ['E'], ResultPath: '$.e', Next: 'Y' }] };
    expect(rewriteWholeResultPaths(state)).toEqual({ Type: 'Task', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }, { ErrorEquals: ['E'], ResultPath: '$.e', Next: 'Y' }] });
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html: "$" replaces the input with the result.
  test('a Task with ResultPath "$" outputs its result, run locally', async () => {
    const runner = await LocalWorkflowRunner.fromTemplate({
      Resources: {
        M: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { DefinitionString: JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::local:t', ResultPath: '$', End: true } } }) },
        },
      },
    }, { taskHandlers: { T: async () => ({ replaced: true }) } });
    try {
      expect((await runner.execute({ input: 1 })).output).toEqual({ replaced: true });
    } finally {
      await runner.close();
    }
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html (Jayway JsonPath):
// an indefinite path that selects nothing is an empty list; a definite one fails the state.
describe('indefinite paths that select nothing', () => {
  const run = async (parameters: Record<string, string>, input: unknown) => {
    const runner = await LocalWorkflowRunner.fromTemplate({
      Resources: {
        M: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: parameters, End: true } } }) } },
      },
    });
    try {
      return await runner.execute(input);
    } finally {
      await runner.close();
    }
  };

  test.each([
    ["$.results[?(@.status == 'FAILED')]", { results: [{ status: 'SUCCEEDED' }] }],
    ['$.results[*]', { results: [] }],
    ['$.results[*].index', { results: [] }],
    ['$.results[2:]', { results: [1] }],
  ])('%s → []', async (path, input) => {
    expect(await run({ 'r.$': path }, input)).toMatchObject({ status: 'SUCCEEDED', output: { r: [] } });
  });

  test('a filter that matches keeps its matches; States.ArrayLength of an empty match is 0', async () => {
    const input = { results: [{ status: 'FAILED', i: 1 }, { status: 'SUCCEEDED', i: 2 }] };
    expect((await run({ 'r.$': "$.results[?(@.status == 'FAILED')]" }, input)).output).toEqual({ r: [{ status: 'FAILED', i: 1 }] });
    expect((await run({ 'n.$': "States.ArrayLength($.results[?(@.status == 'NONE')])" }, input)).output).toEqual({ n: 0 });
  });

  test('a definite path that selects nothing still fails with States.Runtime', async () => {
    expect(await run({ 'r.$': '$.missing' }, {})).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
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
