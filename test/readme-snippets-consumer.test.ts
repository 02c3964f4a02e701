// The README's TypeScript apps run as a user copies them: each snippet that builds a whole app
// (no `declare`) is synthesized in a temporary CDK app that installs the packed npm tarball,
// as `cdk synth` would run it. readme-snippets.test.ts type-checks every snippet against src/.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ensureJsiiAssembly, ROOT } from './jsii-assembly';
import { extractSnippets, Snippet } from './readme-snippets-check';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const CHECK_PACKAGE = path.join(ROOT, 'build-tools', 'check-package.mjs');

/**
 * Snippets that are a complete app: not skipped, an App of their own, nothing declared. Tests
 * using templated-api-caller/local are jest tests, run by local-subpath.test.ts instead.
 */
function appSnippets(snippets: Snippet[]): Snippet[] {
  return snippets.filter((s) => !s.skipped && /new App\(/.test(s.code) && !/^\s*declare /m.test(s.code)
    && !/from 'templated-api-caller\/local'/.test(s.code));
}

let work: string;
let tarball: string;
let consumer: string;

beforeAll(() => {
  // lib/ and .jsii from src/; the bundles in assets/ are built by the test task before jest.
  ensureJsiiAssembly();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-consumer-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }));
  tarball = path.join(work, packed.filename);

  // A user's app: the tarball installed with npm (offline: the package has no dependencies but
  // the bundled ones), aws-cdk-lib and constructs as the app's own (linked from this clone).
  consumer = path.join(work, 'app');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', tarball, '--offline', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'],
    { cwd: consumer, stdio: 'pipe' });
  for (const peer of ['aws-cdk-lib', 'constructs']) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(consumer, 'node_modules', peer), 'dir');
  }
  // The file the templates-as-code snippet reads from the app's folder.
  fs.mkdirSync(path.join(consumer, 'templates'));
  fs.copyFileSync(path.join(ROOT, 'examples', 'templates', 'get-order.yaml'), path.join(consumer, 'templates', 'get-order.yaml'));
}, 180_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs a snippet as the app's entry point (compiled as a user's tsc would), returns the assembly dir. */
function synthesize(snippet: Snippet): { outdir: string; status: number | null; stderr: string } {
  const file = path.join(consumer, `app-${snippet.line}.js`);
  fs.writeFileSync(file, ts.transpileModule(snippet.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText);
  const outdir = path.join(consumer, `cdk.out-${snippet.line}`);
  // CDK_OUTDIR is how the CDK CLI runs an app: App synthesizes itself when the program ends.
  const result = spawnSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir } });
  return { outdir, status: result.status, stderr: result.stderr };
}

describe('the packed npm package', () => {
  test('holds only allow-listed paths (build-tools/check-package.mjs)', () => {
    const result = spawnSync(process.execPath, [CHECK_PACKAGE, tarball], { encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the check fails on a path outside the allow-list, such as cdk.out', () => {
    const dir = path.join(work, 'bad', 'package');
    fs.mkdirSync(path.join(dir, 'cdk.out'), { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', path.dirname(dir)]);
    fs.writeFileSync(path.join(dir, 'cdk.out', 'manifest.json'), '{}');
    const bad = path.join(work, 'bad.tgz');
    execFileSync('tar', ['-czf', bad, '-C', path.dirname(dir), 'package']);
    const result = spawnSync(process.execPath, [CHECK_PACKAGE, bad], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cdk\.out\/manifest\.json is outside the allow-list/);
  });

  test('installs the CLI: --version and validate run from the app', () => {
    const bin = path.join(consumer, 'node_modules', '.bin', 'templated-api-caller');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(execFileSync(bin, ['--version'], { cwd: consumer, encoding: 'utf8' }).trim()).toBe(version);
    expect(execFileSync(bin, ['validate', 'templates'], { cwd: consumer, encoding: 'utf8' })).toMatch(/1 of 1 templates valid/);
  });
});

describe('README.md apps, synthesized in a consumer app', () => {
  const snippets = appSnippets(extractSnippets(README));

  test('the TypeScript quick start is a complete app (nothing declared) and synthesizes as copied', () => {
    const quickStart = extractSnippets(README).find((s) => README.split('\n').slice(0, s.line).reverse().find((l) => l.startsWith('#'))?.startsWith('### TypeScript quick start'));
    expect(quickStart).toBeDefined();
    expect(snippets).toContainEqual(quickStart);
    const { outdir, status, stderr } = synthesize(quickStart!);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Orders.template.json'), 'utf8'));
    const types = Object.values<{ Type: string }>(template.Resources).map((r) => r.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::StepFunctions::StateMachine', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::IAM::Role']));
    // The grants reached the roles the quick start creates.
    const policies = JSON.stringify(Object.values<{ Type: string }>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain('states:StartExecution');
    expect(policies).toContain('dynamodb:PutItem');
  });

  test('every README app synthesizes without errors or warnings', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    const results = snippets.map((s) => ({ line: s.line, ...synthesize(s) }));
    expect(results.map(({ line, status, stderr }) => ({ line, status, stderr }))).toEqual(snippets.map((s) => ({ line: s.line, status: 0, stderr: '' })));
    for (const { outdir } of results) {
      expect(fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).length).toBeGreaterThan(0);
    }
  });

  test('no snippet reads a file from this repository\'s examples/ (a user\'s app has none)', () => {
    expect(extractSnippets(README).filter((s) => /['"`]examples\//.test(s.code)).map((s) => s.line)).toEqual([]);
  });
});
