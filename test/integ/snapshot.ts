// Synthesizes the integration test app the way integ-runner does (its recommended feature flags,
// no path/asset metadata, no version reporting) and writes or checks its committed snapshot.
// integ-runner itself cannot write it here: it needs an AWS account, and the newest release
// (2.197.x) reads cloud assemblies up to schema 53 while aws-cdk-lib 2.276 writes 55.
//
//   npx projen integ:snapshot     rewrite test/integ/integ.templated-api-caller.ts.snapshot
//   test/integ/integ-snapshot.test.ts checks the committed snapshot against a fresh synth
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildIntegApp } from './integ.templated-api-caller';

export const SNAPSHOT_DIR = path.join(__dirname, 'integ.templated-api-caller.ts.snapshot');

/** Synthesizes the integ app into `outdir` and returns it. */
export function synthIntegApp(outdir: string): string {
  // The flags integ-runner sets on every integ app (it drops target-partitions).
  const flags = JSON.parse(fs.readFileSync(require.resolve('@aws-cdk/integ-runner/lib/recommended-feature-flags.json'), 'utf8'));
  delete flags['@aws-cdk/core:target-partitions'];
  const app = new App({
    outdir,
    analyticsReporting: false,
    context: {
      ...flags,
      'aws:cdk:enable-path-metadata': false,
      'aws:cdk:enable-asset-metadata': false,
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
    },
  });
  buildIntegApp(app).synth();
  return outdir;
}

/** Template files (`*.template.json`) of a cloud assembly directory, sorted. */
export function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort();
}

/**
 * A template with every asset hash replaced by `Asset1`, `Asset2`, ... in order of first
 * appearance (what integ-runner's own snapshot diff does), so a rebuilt bundle is no change,
 * and the assertions' `salt` (the synth time, so that they run on every deploy) blanked.
 */
export function canonicalTemplate(file: string): unknown {
  const hashes = new Map<string, string>();
  const text = fs.readFileSync(file, 'utf8').replace(/[0-9a-f]{64}/g, (hash) => {
    if (!hashes.has(hash)) hashes.set(hash, `Asset${hashes.size + 1}`);
    return hashes.get(hash)!;
  }).replace(/"salt": "\d+"/g, '"salt": "SALT"');
  return JSON.parse(text);
}

/** Rewrites the committed snapshot: a fresh synth without the asset directories (as integ-runner keeps it). */
export function writeSnapshot(dir = SNAPSHOT_DIR): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshot-'));
  try {
    synthIntegApp(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of fs.readdirSync(tmp)) {
      // Assets are build outputs (assets/ is not committed either); cdk.out is a marker file.
      if (entry.startsWith('asset.') || entry === 'cdk.out') continue;
      fs.cpSync(path.join(tmp, entry), path.join(dir, entry), { recursive: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  writeSnapshot();
  console.log(`wrote ${path.relative(process.cwd(), SNAPSHOT_DIR)}`);
}
