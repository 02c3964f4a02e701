// `npx projen build` without Debian's Python build tools fails at once, in one line saying what
// to install (build-tools/check-python-tools.mjs, first step of pre-compile and package:python).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'build-tools', 'check-python-tools.mjs');
const INSTALL = 'sudo apt-get install -y python3 python3-setuptools python3-wheel python3-pip twine';

function check(python?: string) {
  const result = spawnSync(process.execPath, [SCRIPT, ...(python ? [python] : [])], { encoding: 'utf8' });
  return { status: result.status, lines: result.stderr.trim().split('\n').filter(Boolean) };
}

test('a Python without twine: exit 1 and one line naming twine and the packages to install', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-python-'));
  const fake = path.join(dir, 'python3');
  // Fails as a Python without twine does.
  fs.writeFileSync(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'twine'\" >&2\nexit 1\n", { mode: 0o755 });
  try {
    expect(check(fake)).toEqual({ status: 1, lines: [`package:python needs Debian's Python build tools (twine is missing): ${INSTALL}`] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no Python at all: exit 1, one line', () => {
  expect(check('/nonexistent/python3')).toEqual({ status: 1, lines: [`package:python needs Debian's Python build tools (/nonexistent/python3 is missing): ${INSTALL}`] });
});

test('a Python with the tools passes silently', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-python-'));
  const fake = path.join(dir, 'python3');
  fs.writeFileSync(fake, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  try {
    expect(check(fake)).toEqual({ status: 0, lines: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
