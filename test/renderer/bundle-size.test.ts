// CI guard (issue 17): the renderer asset the package ships must stay small. Every byte of it is
// parsed at each cold start of the Lambda; past 650 KB something unneeded got bundled.
// The test task bundles first (bundle:all), so this checks what would be shipped.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ASSET_DIR = join(__dirname, '../../assets/renderer');
const MAX_ASSET_BYTES = 650 * 1000;

/** Bytes of every file of a directory (what Code.fromAsset uploads). */
function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((total, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return total + (stat.isDirectory() ? directoryBytes(path) : stat.size);
  }, 0);
}

test('the shipped renderer asset is at most 650 KB', () => {
  expect(statSync(join(ASSET_DIR, 'index.js')).isFile()).toBe(true);
  expect(directoryBytes(ASSET_DIR)).toBeLessThanOrEqual(MAX_ASSET_BYTES);
});
