// The jsii build of src/ (lib/ and .jsii) that tests of the published package need: the Python
// example check and the consumer app that installs the packed tarball. Compiled when missing or
// older than a source file (about 20 s; a build has already done it), under a lock so that two
// jest workers never compile into lib/ at once.
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
const LOCK = path.join(os.tmpdir(), `templated-api-caller-jsii-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const STALE_LOCK_MS = 5 * 60_000;

export function ensureJsiiAssembly(): void {
  withLock(() => {
    const assembly = path.join(ROOT, '.jsii');
    const newestSource = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .reduce((max, f) => Math.max(max, fs.statSync(path.join(ROOT, 'src', f)).mtimeMs), 0);
    if (!fs.existsSync(assembly) || fs.statSync(assembly).mtimeMs < newestSource) {
      execFileSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: ROOT, stdio: 'pipe' });
    }
  });
}

function withLock(work: () => void): void {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is taken over once it is older than any compile.
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS || Date.now() > deadline) {
        fs.rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
