// examples/python/app.py must use only names the generated Python package has. aws-cdk-lib for
// Python cannot be installed here (no PyPI), so the file is compiled and its names are checked
// against jsii-pacmak's generated code by check_names.py (Python's ast, nothing imported).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureJsiiAssembly } from '../jsii-assembly';

const ROOT = path.join(__dirname, '..', '..');
const APP = path.join(ROOT, 'examples', 'python', 'app.py');
const CHECKER = path.join(__dirname, 'check_names.py');
const PYTHON = '/usr/bin/python3';

let out: string;
let generated: string;

// The jsii assembly (compiled when stale, see jsii-assembly.ts), then the Python code generated
// from it (about 6 s).
beforeAll(() => {
  ensureJsiiAssembly();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'pysrc-'));
  execFileSync('npx', ['jsii-pacmak', '--target', 'python', '--code-only', '-o', out], { cwd: ROOT, stdio: 'pipe' });
  generated = path.join(out, 'python', 'src', 'templated_api_caller', '__init__.py');
}, 120_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

function checkNames(appPy: string) {
  const result = spawnSync(PYTHON, [CHECKER, appPy, generated], { encoding: 'utf8' });
  return { status: result.status, problems: result.stdout.trim().split('\n').filter(Boolean), stderr: result.stderr };
}

test('app.py compiles', () => {
  const result = spawnSync(PYTHON, ['-c', 'import ast, sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")', APP], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('every class, method, keyword argument and attribute app.py uses exists in the generated package', () => {
  expect(checkNames(APP)).toEqual({ status: 0, problems: [], stderr: '' });
});

test('app.py makes the construct calls of examples/app.ts', () => {
  const app = fs.readFileSync(APP, 'utf8');
  for (const use of ['TemplatedApiCaller(', 'table_props=', 'allowed_hosts=', 'success_status=StatusRange.between(200, 299)',
    'retry=RetryPolicy.backoff(max_attempts=3, interval=cdk.Duration.seconds(2))', 'default_call_timeout=cdk.Duration.seconds(10)',
    '.grant_start_execution(', '.grant_template_write(', '.state_machine.state_machine_arn', '.table.table_name']) {
    expect({ use, found: app.includes(use) }).toEqual({ use, found: true });
  }
});

test('the check reports misspelt names (it can fail)', () => {
  const bad = path.join(out, 'bad_app.py');
  fs.writeFileSync(bad, fs.readFileSync(APP, 'utf8')
    .replace('max_attempts=3', 'max_attempt=3')
    .replace('allowed_hosts=', 'allow_hosts=')
    .replace('StatusRange.between', 'StatusRange.betwen')
    .replace('.grant_template_write(', '.grant_templates_write(')
    .replace('caller.state_machine.', 'caller.statemachine.')
    .replace('TemplateTableProps,', 'TableProps,'));
  const { status, problems } = checkNames(bad);
  expect(status).toBe(1);
  expect(problems.map((p) => p.replace(/^.*?:\d+: /, '')).sort()).toEqual([
    'RetryPolicy.backoff has no keyword argument max_attempt',
    'StatusRange has no betwen',
    'TemplatedApiCaller has no grant_templates_write',
    'TemplatedApiCaller has no keyword argument allow_hosts',
    'TemplatedApiCaller has no statemachine',
    'templated_api_caller has no TableProps',
  ]);
});

test('the README\'s Python snippets compile and use only names the generated package has', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(snippets.length).toBeGreaterThanOrEqual(2);
  snippets.forEach((snippet, i) => {
    const file = path.join(out, `readme_${i}.py`);
    fs.writeFileSync(file, snippet);
    const compiled = spawnSync(PYTHON, ['-c', 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")', file], { encoding: 'utf8' });
    expect({ snippet: i, stderr: compiled.stderr }).toEqual({ snippet: i, stderr: '' });
    expect({ snippet: i, ...checkNames(file) }).toEqual({ snippet: i, status: 0, problems: [], stderr: '' });
  });
});
