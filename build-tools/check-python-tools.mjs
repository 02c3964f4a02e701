// package:python builds with Debian's Python tools, offline (.projenrc.ts). Without them the
// build would fail minutes in, deep inside pip or twine: say at once what to install.
import { spawnSync } from 'node:child_process';

// The Python package:python uses (an argument only for this script's test).
const PYTHON = process.argv[2] ?? '/usr/bin/python3';
const MODULES = ['setuptools', 'wheel', 'pip', 'twine'];

const result = spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
if (result.error !== undefined || result.status !== 0) {
  const missing = result.error !== undefined ? `${PYTHON} is missing` : (/No module named '?([\w.]+)/.exec(result.stderr)?.[1] ?? MODULES.join('/')) + ' is missing';
  console.error(`package:python needs Debian's Python build tools (${missing}): sudo apt-get install -y python3 python3-setuptools python3-wheel python3-pip twine`);
  process.exit(1);
}
