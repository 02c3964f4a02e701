// `templated-api-caller/local` as a user gets it: the package is packed, the tarball installed
// into a fresh project, and the README's "Testing your templates" example runs there with jest,
// importing the subpath from node_modules. Its types resolve under both module resolutions a
// user's tsconfig may have (node10 reads typesVersions, node16 reads exports).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ensureJsiiAssembly, ROOT } from './jsii-assembly';
import { extractSnippets } from './readme-snippets-check';

const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
let project: string;

beforeAll(() => {
  // lib/ and .jsii from src/; the bundles in assets/ (assets/local included) come from the test
  // task's bundle:all before jest.
  ensureJsiiAssembly();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-local-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }));
  project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-stack-tests', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', path.join(work, packed.filename), '--offline', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'],
    { cwd: project, stdio: 'pipe' });
  // The user's own aws-cdk-lib and constructs (peer dependencies), and Node.js types.
  for (const peer of ['aws-cdk-lib', 'constructs', '@types/node']) {
    fs.mkdirSync(path.dirname(path.join(project, 'node_modules', peer)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(project, 'node_modules', peer), 'dir');
  }
}, 180_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line === '## Testing your templates');
  const snippet = extractSnippets(readme).find((s) => s.line > start);
  expect(snippet?.code).toMatch(/from 'templated-api-caller\/local'/);
  return snippet!.code;
}

function runJest(testFile: string, code: string) {
  fs.writeFileSync(path.join(project, testFile), ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText);
  const config = { rootDir: project, testEnvironment: 'node', transform: {}, testMatch: [`**/${testFile}`], watchman: false };
  // --forceExit: a failing run must end (a server left listening would keep it alive).
  return spawnSync(process.execPath, [JEST, '--ci', '--forceExit', '--config', JSON.stringify(config)], { cwd: project, encoding: 'utf8', timeout: 120_000 });
}

test('the installed package has the subpath, its bundle and its types', () => {
  const pkg = path.join(project, 'node_modules', 'templated-api-caller');
  expect(JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).exports['./local'])
    .toEqual({ types: './assets/local/index.d.ts', default: './assets/local/index.js' });
  for (const file of ['assets/local/index.js', 'assets/local/index.d.ts']) {
    expect({ file, exists: fs.existsSync(path.join(pkg, file)) }).toEqual({ file, exists: true });
  }
  // The types need nothing the user does not have: aws-cdk-lib and constructs at most.
  const declarations = execFileSync('grep', ['-rhoE', "from '[^.][^']*'", path.join(pkg, 'assets', 'local', 'types', 'cli-src', 'local-runner', 'public.d.ts'),
    path.join(pkg, 'assets', 'local', 'types', 'cli-src', 'local-runner', 'local-workflow-runner.d.ts')], { encoding: 'utf8' });
  expect([...new Set(declarations.trim().split('\n'))].sort()).toEqual(["from 'aws-cdk-lib'", "from 'constructs'"]);
});

test('the README example runs with jest in the installed project, importing templated-api-caller/local', () => {
  const result = runJest('orders.test.js', readmeExample());
  expect({ status: result.status, output: result.stderr }).toEqual({ status: 0, output: expect.stringMatching(/Tests:\s+2 passed, 2 total/) });
}, 150_000);

test('a failing expectation fails there too (the run can fail)', () => {
  const broken = readmeExample().replace("toBe('SUCCEEDED')", "toBe('FAILED')");
  const result = runJest('broken.test.js', broken);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
}, 150_000);

test.each(['node10', 'node16'])('the types resolve with moduleResolution %s', (moduleResolution) => {
  const file = path.join(project, `types-${moduleResolution}.ts`);
  fs.writeFileSync(file, [
    "import { App, Stack } from 'aws-cdk-lib';",
    "import { TemplatedApiCaller } from 'templated-api-caller';",
    "import { ExecutionRecord, LocalWorkflowRunner, TaskHandler } from 'templated-api-caller/local';",
    'export async function check(): Promise<string> {',
    "  const caller = new TemplatedApiCaller(new Stack(new App(), 'S'), 'C');",
    '  const hook: TaskHandler = async (input) => input;',
    "  const runner = await LocalWorkflowRunner.fromConstruct(caller, { taskHandlers: { Notify: hook }, secretValues: { apiKey: 'k' } });",
    "  await runner.putTemplate({ name: 't', method: 'GET', url: 'https://x' });",
    "  const record: ExecutionRecord = await runner.execute({ templateName: 't', method: 'GET' }, { name: 'n' });",
    '  await runner.close();',
    '  return record.status;',
    '}',
    // Not public: the runner's DynamoDB client stays out of the types.
    "export const hidden = (r: LocalWorkflowRunner) => r.dynamoDbEndpoint + ((r as any).dynamoDb ? '' : '');",
  ].join('\n'));
  // node10 (deprecated in TypeScript 6, still what many CDK apps' tsconfigs say) ignores exports.
  const flags = moduleResolution === 'node10' ? ['--module', 'commonjs', '--ignoreDeprecations', '6.0'] : ['--module', 'node16'];
  const result = spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--skipLibCheck', 'false', '--types', 'node', ...flags,
    '--moduleResolution', moduleResolution, '--target', 'es2022', '--esModuleInterop', file], { cwd: project, encoding: 'utf8' });
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '' });
}, 60_000);
