// Checks an npm tarball against the package's allow-list (package.json `files`, set in
// .projenrc.ts) and for the files every consumer needs. CI (.ci/run) and the consumer-app test
// (test/readme-snippets-consumer.test.ts) run it, so that nothing else is ever published.
//
//   node build-tools/check-package.mjs dist/js/templated-api-caller-1.2.3.tgz
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

// npm always packs these, whatever `files` says.
const ALWAYS = ['package.json', 'README.md', 'LICENSE'];
const REQUIRED = ['lib/index.js', 'lib/index.d.ts', 'assets/renderer/index.js', 'assets/template-seeder/index.js', 'assets/cli/index.js', 'API.md', '.jsii'];

/** `lib/**\/*.js` as a regular expression over paths; `assets/` (a directory) as a prefix. */
function patternRegExp(pattern) {
  if (pattern.endsWith('/')) pattern += '**';
  const source = pattern.split(/(\*\*\/|\*\*|\*)/).map(part => {
    if (part === '**/') return '(?:.*/)?';
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`);
}

/** The problems of a tarball's file list (paths without the leading `package/`). */
export function packageProblems(paths, packageJson) {
  const allowed = [...(packageJson.files ?? []), ...ALWAYS].map(patternRegExp);
  const bundled = (packageJson.bundleDependencies ?? packageJson.bundledDependencies ?? []).map(name => `node_modules/${name}/`);
  const outside = paths.filter(p => !allowed.some(re => re.test(p)) && !bundled.some(prefix => p.startsWith(prefix)));
  const missing = REQUIRED.filter(p => !paths.includes(p));
  return [
    ...outside.map(p => `${p} is outside the allow-list (package.json "files": ${JSON.stringify(packageJson.files)})`),
    ...missing.map(p => `${p} is missing`),
  ];
}

/** The problems of a tarball on disk. */
export function tarballProblems(tarball) {
  const paths = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n').filter(line => line !== '' && !line.endsWith('/')).map(line => line.replace(/^package\//, ''));
  const packageJson = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  return { paths, problems: packageProblems(paths, packageJson) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tarball = process.argv[2];
  if (!tarball) {
    console.error('usage: node build-tools/check-package.mjs <tarball>');
    process.exit(2);
  }
  const { paths, problems } = tarballProblems(tarball);
  problems.forEach(problem => console.error(`${tarball}: ${problem}`));
  if (problems.length > 0) process.exit(1);
  console.log(`${tarball}: ${paths.length} files, all in the allow-list`);
}
