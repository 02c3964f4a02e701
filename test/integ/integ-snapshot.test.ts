// The committed integ snapshot must be what the integ app synthesizes today (asset hashes aside):
// otherwise `npx projen integ` would deploy something nobody reviewed. Fix: `npx projen integ:snapshot`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalTemplate, SNAPSHOT_DIR, synthIntegApp, templateFiles } from './snapshot';

const FIX = 'the integ snapshot is stale: run `npx projen integ:snapshot` and commit test/integ/integ.templated-api-caller.ts.snapshot';

let fresh: string;
beforeAll(() => {
  fresh = synthIntegApp(fs.mkdtempSync(path.join(os.tmpdir(), 'integ-fresh-')));
});
afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

test('the snapshot holds the same stacks as a fresh synth', () => {
  expect({ fix: FIX, templates: templateFiles(SNAPSHOT_DIR) }).toEqual({ fix: FIX, templates: templateFiles(fresh) });
  expect(templateFiles(fresh).length).toBe(2); // the stack under test and the assertion stack
});

test('each committed template equals a fresh synth, asset hashes normalized', () => {
  for (const file of templateFiles(fresh)) {
    const committed = path.join(SNAPSHOT_DIR, file);
    expect({ fix: FIX, file, template: fs.existsSync(committed) ? canonicalTemplate(committed) : undefined })
      .toEqual({ fix: FIX, file, template: canonicalTemplate(path.join(fresh, file)) });
  }
});

test('the test cases (integ.json) are unchanged', () => {
  const read = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'integ.json'), 'utf8'));
  expect({ fix: FIX, integ: read(SNAPSHOT_DIR) }).toEqual({ fix: FIX, integ: read(fresh) });
});

test('the assertions run both executions and wait for their outcome', () => {
  const assertions = JSON.stringify(canonicalTemplate(path.join(fresh, templateFiles(fresh).find((f) => f.includes('DeployAssert'))!)));
  expect(assertions).toContain('Custom::DeployAssert@SdkCallDynamoDBputItem');
  expect(assertions.match(/Custom::DeployAssert@SdkCallStepFunctionsstartExecution/g)).toHaveLength(2);
  expect(assertions).toContain('\\"status\\":\\"SUCCEEDED\\"');
  expect(assertions).toContain('\\"error\\":\\"TemplateNotFound\\"');
  expect(assertions).toContain('AWS::StepFunctions::StateMachine'); // the waiters
});

test('canonicalTemplate numbers asset hashes by first appearance and blanks salts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-canon-'));
  try {
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    fs.writeFileSync(path.join(dir, 't.json'), JSON.stringify({ x: `${b}.zip`, y: a, z: b, salt: '1795602013646' }, undefined, 1));
    expect(canonicalTemplate(path.join(dir, 't.json'))).toEqual({ x: 'Asset1.zip', y: 'Asset2', z: 'Asset1', salt: 'SALT' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
