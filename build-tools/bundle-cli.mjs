// Bundles the CLI into assets/cli/index.js. A script rather than the esbuild command line
// because dynalite loads its actions with `require('./actions/' + name)`: esbuild bundles such
// a require as a glob, but only finds the files when the extension is part of the pattern.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const dynaliteGlobRequires = {
  name: 'dynalite-glob-requires',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dynalite[\\/]index\.js$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replace(/require\('\.\/(actions|validations)\/' \+ action\)/g, "require('./$1/' + action + '.js')"),
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['cli-src/cli/index.ts'],
  outfile: 'assets/cli/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'external',
  banner: { js: '#!/usr/bin/env node' },
  // dynalite only needs on-disk LevelDB (a native addon) when given a path; the CLI runs it in memory.
  alias: { level: './cli-src/local-runner/no-disk-level.ts' },
  external: ['chokidar', 'fsevents'],
  plugins: [dynaliteGlobRequires],
  logLevel: 'warning',
});
