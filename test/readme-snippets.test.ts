// The README's TypeScript blocks compile against src/ (see readme-snippets-check.ts).
import * as fs from 'fs';
import * as path from 'path';
import { checkSnippets, extractSnippets } from './readme-snippets-check';

const README = path.join(__dirname, '..', 'README.md');

describe('README.md', () => {
  const snippets = extractSnippets(fs.readFileSync(README, 'utf8'));

  test('every TypeScript block that is not marked <!-- snippet:skip --> type-checks', () => {
    const problems = checkSnippets(snippets).map((p) => `README.md:${p.line}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  test('the quick start is checked, not skipped', () => {
    const quickStarts = snippets.filter((s) => s.code.includes('new TemplatedApiCaller('));
    expect(quickStarts.length).toBeGreaterThan(0);
    expect(quickStarts.filter((s) => s.skipped).map((s) => s.line)).toEqual([]);
  });
});

describe('the snippet checker', () => {
  const markdown = [
    '# Title', // 1
    '```ts', // 2
    "import { StatusRange } from 'templated-api-caller';", // 3
    'const range: StatusRange = StatusRange.between(200, 299);', // 4
    'const wrong: string = range;', // 5
    '```', // 6
    '<!-- snippet:skip -->', // 7
    '', // 8
    '```typescript', // 9
    'this is not TypeScript', // 10
    '```', // 11
    '```sh', // 12
    'npm test', // 13
    '```', // 14
    '```ts', // 15
    "import { App } from 'aws-cdk-lib';", // 16
    'const range = new App();', // 17
    'new NoSuchConstruct(range);', // 18
    '```', // 19
  ].join('\n');

  test('finds ts and typescript fences with their first code line and skip marker', () => {
    expect(extractSnippets(markdown).map((s) => [s.line, s.skipped])).toEqual([[3, false], [10, true], [16, false]]);
  });

  test('reports each diagnostic at its Markdown line; blocks are separate modules; skipped blocks are not compiled', () => {
    const problems = checkSnippets(extractSnippets(markdown));
    expect(problems.map((p) => p.line)).toEqual([5, 18]);
    expect(problems[0].message).toMatch(/TS2322: Type 'StatusRange' is not assignable to type 'string'/);
    expect(problems[1].message).toMatch(/TS2304: Cannot find name 'NoSuchConstruct'/);
  });
});
