import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'templated-api-caller',
  description: 'Call external HTTP APIs from AWS Step Functions with request templates (Jinja2 syntax) stored in DynamoDB.',
  author: 'templated-api-caller contributors',
  authorAddress: 'maintainers@templated-api-caller.dev',
  repositoryUrl: 'https://github.com/templated-api-caller/templated-api-caller.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'step functions', 'stepfunctions', 'dynamodb', 'http', 'api', 'templates', 'jinja2', 'lambda'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  minNodeVersion: '20.0.0',
  // commit-and-tag-version 13 (projen's default bump tool) and its 16 conventional-changelog
  // packages declare Node >= 22: `npm ci` on Node 20 would print an EBADENGINE wall for a
  // release-only tool. 12.x does the same job on Node >= 18.
  bumpPackage: 'commit-and-tag-version@^12',

  cdkVersion: '2.276.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  publishToPypi: {
    distName: 'templated-api-caller',
    module: 'templated_api_caller',
  },

  // The renderer's packages are bundled into assets/renderer by esbuild, so they are
  // devDependencies: a consumer of the construct library installs none of them.
  devDeps: [
    'nunjucks@3.2.4',
    '@types/nunjucks',
    // undici 7 runs on Node 20 and 22 (undici 8 needs Node >= 22.19).
    'undici@^7.30.0',
    '@aws-sdk/util-dynamodb',
    '@aws-sdk/client-dynamodb',
    'esbuild@^0.28.0',
    'dynalite@^4.0.0',
    'fast-check@^4.0.0',
    'cdk-nag@^3.0.0',
    'aws-local-stepfunctions@^3.0.0',
    // The engine's JSONPath library, which the runner corrects (asl-compat.ts: empty indefinite paths).
    'jsonpath-plus@^10.4.0',
    // Provided by the Lambda runtime: external in the bundles, installed here for types and tests.
    '@aws-sdk/client-secrets-manager',
    // Large responses go to S3 with the runtime's client; s3rver is the local S3 API (runner, demo, tests).
    '@aws-sdk/client-s3',
    's3rver@^3.7.1',
    // The SigV4 signer the runtime's AWS SDK uses (awsSigV4 profiles).
    '@smithy/signature-v4',
    // The integration test (test/integ): assertions library and the runner that deploys it.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
    // The CDK CLI for integ:deploy: integ-runner 2.197 reads cloud assemblies only up to schema 53.
    'aws-cdk@^2.1148.1',
  ],
  // ApiTemplate.fromFile parses YAML at synth time; jsii allows only bundled non-jsii dependencies.
  bundledDeps: ['yaml@^2.8.0'],

  // One dev tsconfig type-checks src, lambda-src, cli-src, test, bench, examples and this file;
  // jest (ts-jest) and eslint use it.
  tsconfigDevFile: 'tsconfig.dev.json',
  typecheckTests: true,
  jestOptions: {
    // Snapshots are checked, never silently rewritten; an empty suite is a failure.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      // Coverage on request (`npm test -- --coverage`): instrumenting every file doubles the run.
      collectCoverage: false,
      collectCoverageFrom: ['src/**/*.ts', 'lambda-src/**/*.ts', 'cli-src/**/*.ts'],
      // jest's default is one worker per core but one: a single worker on a 2-core machine.
      maxWorkers: '100%',
      // Generous: the e2e suites synthesize stacks in their hooks, slow when both cores are busy.
      testTimeout: 90_000,
    },
  },
  eslintOptions: {
    dirs: ['src', 'lambda-src', 'cli-src'],
    devdirs: ['test', 'bench', 'examples'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  gitignore: ['/assets/', '/cdk.out/', '/examples/cdk.out/'],
});

// lambda-src and cli-src are bundled by esbuild: their packages are devDependencies on purpose.
project.eslint?.addOverride({
  files: ['lambda-src/**/*.ts', 'cli-src/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

project.tsconfigDev?.file.addOverride('include', [
  'src/**/*.ts',
  'lambda-src/**/*.ts',
  'cli-src/**/*.ts',
  'test/**/*.ts',
  'bench/**/*.ts',
  'examples/**/*.ts',
  '.projenrc.ts',
  'projenrc/**/*.ts',
]);
project.tsconfigDev?.file.addOverride('compilerOptions.rootDir', '.');

// The Lambda handler has its own tsconfig (jsii compiles only src/) and is type-checked
// before the bundle is built.
new javascript.TypescriptConfig(project, {
  fileName: 'lambda-src/tsconfig.json',
  include: ['**/*.ts'],
  compilerOptions: {
    rootDir: '..',
    noEmit: true,
    target: 'ES2022',
    lib: ['es2022'],
    module: 'node16',
    moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
    types: ['node'],
    strict: true,
    noImplicitReturns: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
  },
});

// The bundles (build-tools/bundle.mjs): minified CJS shipped in the npm package under assets/,
// since consumers cannot bundle at synth time. The Lambdas target the Node.js 22 runtime.
const bundleRenderer = project.addTask('bundle:renderer', {
  description: 'Type-check lambda-src and bundle the renderer Lambda into assets/renderer',
  steps: [
    { exec: 'tsc -p lambda-src/tsconfig.json' },
    { exec: 'node build-tools/bundle.mjs renderer' },
  ],
});

// The template seeder (the custom resource writing ApiTemplates to the table). lambda-src is
// type-checked by bundle:renderer.
const bundleSeeder = project.addTask('bundle:template-seeder', {
  description: 'Bundle the template seeder Lambda into assets/template-seeder',
  exec: 'node build-tools/bundle.mjs template-seeder',
});

// The CLI (render, validate, put, run) with everything it uses bundled, so the package keeps
// no runtime dependencies: jsii only allows jsii modules there.
const bundleCli = project.addTask('bundle:cli', {
  description: 'Bundle the templated-api-caller CLI into assets/cli',
  steps: [
    { exec: 'node build-tools/bundle.mjs cli' },
    { exec: 'chmod +x assets/cli/index.js' },
  ],
});

// `templated-api-caller/local`: the local runner for users' tests, bundled like the CLI, with
// declarations for TypeScript. Outside the jsii API (jsii compiles only src/), so the Python
// package is unaffected.
new javascript.TypescriptConfig(project, {
  fileName: 'build-tools/tsconfig.local-types.json',
  // The renderer's declarations of untyped vendor modules come along (the runner reaches it).
  include: ['../cli-src/local-runner/public.ts', '../lambda-src/**/*.d.ts'],
  compilerOptions: {
    rootDir: '..',
    outDir: '../assets/local/types',
    declaration: true,
    emitDeclarationOnly: true,
    // Members marked @internal (the runner's DynamoDB client, ...) stay out of the public types.
    stripInternal: true,
    target: 'ES2022',
    lib: ['es2022'],
    module: 'node16',
    moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
    types: ['node'],
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
  },
});
const bundleLocal = project.addTask('bundle:local', {
  description: 'Bundle the local runner (templated-api-caller/local) into assets/local, with its type declarations',
  steps: [
    { exec: 'node build-tools/bundle.mjs local' },
    { exec: 'tsc -p build-tools/tsconfig.local-types.json' },
  ],
});
// Types for both module resolutions: `exports` (node16/bundler) and typesVersions (node10,
// which ignores `exports`). The jsii entry points stay reachable.
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './local': { types: './assets/local/index.d.ts', default: './assets/local/index.js' },
  './.jsii': './.jsii',
  './package.json': './package.json',
});
project.package.addField('typesVersions', { '*': { local: ['assets/local/index.d.ts'] } });

// Everything that loads the construct needs the Lambda bundles (the CLI tests need the CLI too).
const bundleAll = project.addTask('bundle:all', {
  description: 'Build every bundle in assets/',
  steps: [{ spawn: bundleRenderer.name }, { spawn: bundleSeeder.name }, { spawn: bundleCli.name }, { spawn: bundleLocal.name }],
});
project.preCompileTask.spawn(bundleAll);
project.addBins({ 'templated-api-caller': 'assets/cli/index.js' });
// Tests load the bundles too (the construct points at the renderer, CLI tests run the CLI).
project.testTask.prependSpawn(bundleAll);
// On Node 20 the AWS SDK (the renderer's Secrets Manager client in tests) warns at every first
// call that its future releases need Node 22; README "Node.js versions" says what runs where.
project.testTask.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
project.addPackageIgnore('!/assets/');
// What the npm package holds: an allow-list, so that nothing written into the work tree (cdk.out
// from synth:example, coverage, scratch files) is ever published. npm adds package.json, README
// and LICENSE, and the bundled dependencies; build-tools/check-package.mjs fails CI and the
// consumer test on anything else.
project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'assets/', '.jsii', 'API.md', 'CHANGELOG.md', 'VERSIONING.md']);
// The package ships lib/, the bundles in assets/ and the docs; sources and tooling stay here.
for (const path of ['/lambda-src/', '/cli-src/', '/examples/', '/bench/', '/build-tools/', '/.ci/', '/test/']) {
  project.addPackageIgnore(path);
}

// Python packaging that works offline: jsii-pacmak's stock python target pip-installs
// pinned build tools from PyPI. Generate the code only, then build with Debian's tools.
const packagePython = project.tasks.tryFind('package:python');
packagePython?.reset();
// Without Debian's python3-setuptools, python3-wheel, python3-pip and twine, fail at once with
// one line saying what to install; a build checks first, in pre-compile, before minutes of
// compiling and testing (not on CI, where build packages JavaScript only).
const checkPythonTools = 'node build-tools/check-python-tools.mjs';
packagePython?.exec(checkPythonTools);
project.preCompileTask.prependExec(checkPythonTools, { condition: 'node -e "if (process.env.CI) process.exit(1)"' });
packagePython?.exec('jsii-pacmak -v --target python --code-only -o dist/python-src');
packagePython?.exec('rm -rf dist/python && mkdir -p dist/python');
packagePython?.exec('/usr/bin/python3 -m pip wheel -q --no-index --no-deps --no-build-isolation -w dist/python dist/python-src/python');
packagePython?.exec('cd dist/python-src/python && /usr/bin/python3 setup.py -q sdist -d ../../python');
packagePython?.exec('/usr/bin/python3 -m twine check --strict dist/python/*');

// Benchmarks print ratios measured in one run (see bench/README.md).
project.addTask('bench:renderer', {
  description: 'Benchmark the renderer bundle against a raw undici request on loopback',
  steps: [
    { spawn: bundleRenderer.name },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/renderer.bench.ts' },
  ],
});

// Expected outputs of the Jinja2 compatibility corpus come from real Jinja2.
project.addTask('fixtures:jinja2', {
  description: 'Regenerate test/renderer/jinja2 fixtures with Python Jinja2 (Debian python3-jinja2)',
  exec: 'bash test/renderer/jinja2/regenerate.sh',
});

// The main job for a newcomer: the example workflow, run locally end to end (examples/demo.ts).
project.addTask('demo', {
  description: 'Run the example app\'s state machine locally against a sample API and print each execution',
  steps: [
    { spawn: bundleAll.name },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json examples/demo.ts' },
  ],
});

// The npm tarball from a clone, to install in an app before a release (README, Install).
project.addTask('tarball', {
  description: 'Build the npm package into dist/js (bundles, jsii, npm pack) and check it against the allow-list',
  steps: [
    { spawn: bundleAll.name },
    { spawn: project.compileTask.name },
    { spawn: 'package:js' },
    { exec: 'for t in dist/js/*.tgz; do node build-tools/check-package.mjs "$t" || exit 1; done' },
  ],
});

// The example app's cloud assembly in cdk.out, for `templated-api-caller run` (no CDK CLI needed).
project.addTask('synth:example', {
  description: 'Synthesize examples/app.ts into cdk.out',
  env: { CDK_OUTDIR: 'cdk.out' },
  steps: [
    { spawn: bundleAll.name },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json examples/app.ts' },
  ],
});

// The integration test (test/integ, see CONTRIBUTING.md). integ:snapshot synthesizes the
// snapshot as integ-runner would (a jest test keeps it current); integ and integ:deploy need
// an AWS account and deploy real resources.
// integ-runner's working directories and the assets it leaves out of snapshots (added after
// the constructor: projen's include of /test/ would drop them).
project.gitignore.exclude('/test/integ/cdk-integ.out.*', '/test/integ/cdk.context.json', '/test/integ/*.snapshot/asset.*');
project.addTask('integ:snapshot', {
  description: 'Rewrite the committed snapshot of the integration test (synthesis only, no AWS account)',
  steps: [
    { spawn: bundleAll.name },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json test/integ/snapshot.ts' },
  ],
});
project.addTask('integ', {
  description: 'Deploy the integration test with integ-runner, run its assertions, destroy it (AWS account needed)',
  steps: [
    { spawn: bundleAll.name },
    { exec: 'integ-runner --directory test/integ --language typescript --update-on-failed --parallel-regions ${AWS_REGION:-us-east-1}', receiveArgs: true },
  ],
});
project.addTask('integ:deploy', {
  description: 'Deploy the integration test app with the CDK CLI (its assertions fail the deployment), then destroy it (AWS account needed)',
  steps: [
    { spawn: bundleAll.name },
    { exec: 'bash test/integ/deploy.sh', receiveArgs: true },
  ],
});

project.synth();
