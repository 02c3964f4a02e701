import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../examples/app';

/** Asset hashes change with every rebuilt renderer bundle; the snapshot keeps their place only. */
function withoutAssetHashes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

test('the example stack matches its snapshot (asset hashes stripped)', () => {
  const { stack } = buildExampleApp();
  const template = Template.fromStack(stack).toJSON();
  expect(JSON.stringify(template)).toMatch(/[0-9a-f]{64}\.zip/); // there is a hash to strip
  expect(withoutAssetHashes(template)).toMatchSnapshot();
});
