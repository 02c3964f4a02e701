// The renderer's AWS clients take their endpoint from the standard variables alone: the generic
// AWS_ENDPOINT_URL reaches a local Secrets Manager, with no project-specific switch
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
import { getItemOutput } from './helpers/items';
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, startHttpServer, type TestServer } from './helpers/servers';
import { closeHttpAgent, handler, resetRendererConfig, resetSecretsCache } from '../../lambda-src/renderer/index';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key-AbCdEf';
const VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SECRET_ARNS', 'ALLOW_PRIVATE_NETWORKS'];

let secretsManager: TestServer;
let api: TestServer;
let logs: CapturedLogs;

beforeAll(async () => {
  secretsManager = await startHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ ARN, Name: 'key', SecretString: `value-for-${request.headers['x-amz-target']}`, VersionId: 'v1' }));
  });
  api = await startHttpServer(json(200, { ok: true }));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: secretsManager.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    SECRET_ARNS: JSON.stringify({ key: ARN }),
    ALLOW_PRIVATE_NETWORKS: 'true',
  });
  resetRendererConfig();
  resetSecretsCache();
  logs = captureLogs();
});

afterAll(async () => {
  logs.restore();
  for (const name of VARIABLES) delete process.env[name];
  resetRendererConfig();
  resetSecretsCache();
  await Promise.all([secretsManager.close(), api.close(), closeHttpAgent()]);
});

test('AWS_ENDPOINT_URL points the Secrets Manager client at the local server', async () => {
  await handler({ template: getItemOutput({ SK: 'GET', url: `${api.url}/x`, headers: { 'X-Key': '{{ secrets.key }}' } }), params: {} });
  expect(secretsManager.requests).toHaveLength(1);
  expect(api.requests.at(-1)!.headers['x-key']).toBe('value-for-secretsmanager.GetSecretValue');
});
