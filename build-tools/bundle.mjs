// Bundles what the package ships prebuilt: `node build-tools/bundle.mjs <renderer|template-seeder|cli|local>`.
// A script rather than esbuild's command line because two bundles need plugins (below).
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The renderer never speaks HTTP/2: loading node:http2 for undici's h2 client cost ~12 ms of cold start. */
const withoutHttp2 = {
  name: 'without-http2',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(node:)?http2$/ }, () => ({ path: 'http2', namespace: 'without-http2' }));
    // undici falls back to this shape itself when node:http2 is missing.
    esbuild.onLoad({ filter: /.*/, namespace: 'without-http2' }, () => ({ contents: 'module.exports = { constants: {} };', loader: 'js' }));
  },
};

/**
 * undici requires node:http only for http.maxHeaderSize (the renderer's agent sets its own) and
 * IncomingMessage (to recognise Node request bodies, which the renderer never sends); loading
 * node:http and its client and server cost ~2-4 ms of every cold start.
 */
const withoutHttp = {
  name: 'without-http',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(node:)?http$/ }, () => ({ path: 'http', namespace: 'without-http' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'without-http' }, () => ({
      contents: 'module.exports = { maxHeaderSize: 16384, IncomingMessage: class IncomingMessage {} };',
      loader: 'js',
    }));
  },
};

/**
 * undici only calls `assert(value, message)` (invariants of its own state); node:assert and its
 * error formatting cost ~1 ms of every cold start. Same check, same error code (ERR_ASSERTION,
 * which the renderer reports like any other undici error code).
 */
const smallAssert = {
  name: 'small-assert',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(node:)?assert$/ }, () => ({ path: 'assert', namespace: 'small-assert' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'small-assert' }, () => ({
      contents: `module.exports = function assert(value, message) {
        if (!value) throw Object.assign(new Error(message ?? 'assertion failed'), { name: 'AssertionError', code: 'ERR_ASSERTION' });
      };`,
      loader: 'js',
    }));
  },
};

/**
 * Parts of undici the renderer cannot reach, left out so V8 does not parse them at every cold
 * start: the HTTP/2 client (the agent never allows h2) and fetch's body extraction (only used
 * for FormData request bodies; the renderer sends strings). Each is replaced by a function
 * that throws, should that ever change.
 */
const withoutUnusedUndici = {
  name: 'without-unused-undici',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/client-h2\.js$|^\.\.\/web\/fetch\/body\.js$/ }, ({ path, importer }) =>
      (/[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client(-h1)?\.js$/.test(importer) ? { path, namespace: 'without-unused-undici' } : undefined));
    esbuild.onLoad({ filter: /.*/, namespace: 'without-unused-undici' }, ({ path }) => ({
      contents: path.endsWith('client-h2.js')
        ? "module.exports = () => { throw new Error('the renderer does not use HTTP/2'); };"
        : "module.exports = { extractBody() { throw new Error('the renderer sends no FormData bodies'); } };",
      loader: 'js',
    }));
  },
};

/**
 * undici embeds its HTTP parser twice (SIMD and fallback) as 72 KB base64 strings, which V8 must
 * scan and intern when it compiles the bundle, at every cold start, before any request. Written
 * next to the bundle as .wasm files instead, read when the first connection needs a parser.
 */
const llhttpWasmFiles = (outdir) => ({
  name: 'llhttp-wasm-files',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]llhttp[\\/]llhttp(_simd)?-wasm\.js$/ }, async ({ path }) => {
      const base64 = /const wasmBase64 = '([A-Za-z0-9+/=]+)'/.exec(await readFile(path, 'utf8'))?.[1];
      if (base64 === undefined) throw new Error(`${path}: no embedded wasm found (undici changed?)`);
      const file = `${basename(path, '-wasm.js')}.wasm`;
      await mkdir(outdir, { recursive: true });
      await writeFile(join(outdir, file), Buffer.from(base64, 'base64'));
      return {
        contents: `let wasm; Object.defineProperty(module, 'exports', { get: () => wasm ??= require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(file)})) });`,
        loader: 'js',
      };
    });
  },
});

/**
 * dynalite loads its actions with `require('./actions/' + name)`: esbuild bundles such a require
 * as a glob, but only finds the files when the extension is part of the pattern.
 */
const dynaliteGlobRequires = {
  name: 'dynalite-glob-requires',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dynalite[\\/]index\.js$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replace(/require\('\.\/(actions|validations)\/' \+ action\)/g, "require('./$1/' + action + '.js')"),
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  legalComments: 'external',
  external: ['chokidar', 'fsevents'],
  logLevel: 'warning',
};

const bundles = {
  // The Lambda runtime (Node.js 22) provides the AWS SDK v3: Secrets Manager's client stays out,
  // util-dynamodb is bundled.
  'renderer': {
    entryPoints: ['lambda-src/renderer/index.ts'],
    outfile: 'assets/renderer/index.js',
    target: 'node22',
    // So is its SigV4 signer (awsSigV4 profiles load it on their first call).
    // DynamoDB's client too: rate limits load it on their first call.
    external: [...common.external, '@aws-sdk/client-secrets-manager', '@smithy/signature-v4', '@aws-sdk/client-dynamodb', '@aws-sdk/client-s3'],
    plugins: [withoutHttp2, withoutHttp, withoutUnusedUndici, smallAssert, llhttpWasmFiles('assets/renderer')],
  },
  'template-seeder': {
    entryPoints: ['lambda-src/template-seeder/index.ts'],
    outfile: 'assets/template-seeder/index.js',
    target: 'node22',
    external: [...common.external, '@aws-sdk/*'],
  },
  // The CLI carries everything it uses: the package has no runtime dependencies (jsii).
  'cli': {
    entryPoints: ['cli-src/cli/index.ts'],
    outfile: 'assets/cli/index.js',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // dynalite needs on-disk LevelDB (a native addon) only when given a path; the CLI runs it in memory.
    alias: { level: './cli-src/local-runner/no-disk-level.ts' },
    plugins: [dynaliteGlobRequires],
  },
  // `templated-api-caller/local`: the local runner for users' tests. aws-cdk-lib and constructs
  // are the user's own (peer dependencies); the runner only calls methods of their constructs.
  'local': {
    entryPoints: ['cli-src/local-runner/public.ts'],
    outfile: 'assets/local/index.js',
    target: 'node20',
    external: [...common.external, 'aws-cdk-lib', 'constructs'],
    alias: { level: './cli-src/local-runner/no-disk-level.ts' },
    plugins: [dynaliteGlobRequires],
  },
};

/** Type declarations next to a bundle (emitted by tsc under types/, see .projenrc.ts). */
const declarations = {
  local: { file: 'assets/local/index.d.ts', contents: "export * from './types/cli-src/local-runner/public';\n" },
};

const name = process.argv[2];
if (!(name in bundles)) {
  console.error(`usage: node build-tools/bundle.mjs <${Object.keys(bundles).join('|')}>`);
  process.exit(2);
}
await build({ ...common, ...bundles[name] });
if (declarations[name]) await writeFile(declarations[name].file, declarations[name].contents);
