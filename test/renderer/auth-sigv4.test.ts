// SigV4 through the AWS SDK's signer (@smithy/signature-v4, as the Lambda runtime provides it)
// with the renderer's node:crypto hash, checked against known answers of the AWS SigV4 test suite
// (aws-sig-v4-test-suite: get-vanilla, get-vanilla-query-order-key-case; the example credentials
// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service").
import { signedHeaders } from '../../lambda-src/renderer/auth/sigv4';
import { ApiAuthKind } from '../../src';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const DATE = new Date('2015-08-30T12:36:00Z');
const PROFILE = { kind: ApiAuthKind.AWS_SIGV4 as const, service: 'service' };
const PREFIX = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=';

async function sign(url: string, method = 'GET', headers: Record<string, string> = {}) {
  return signedHeaders({ method, url: new URL(url), headers }, PROFILE, CREDENTIALS, 'us-east-1', DATE);
}

describe('awsSigV4', () => {
  test('get-vanilla', async () => {
    const headers = await sign('https://example.amazonaws.com/');
    expect(headers.authorization).toBe(`${PREFIX}5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers).not.toHaveProperty('host'); // the HTTP client sends Host itself
    expect(headers).not.toHaveProperty('x-amz-content-sha256'); // only S3 wants it
  });

  test('get-vanilla-query-order-key-case: the query is sorted before signing', async () => {
    const headers = await sign('https://example.amazonaws.com/?Param2=value2&Param1=value1');
    expect(headers.authorization).toBe(`${PREFIX}b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`);
  });

  test('a session token is sent and signed; the template\'s headers stay', async () => {
    const headers = await signedHeaders(
      { method: 'POST', url: new URL('https://abc.execute-api.eu-west-1.amazonaws.com/prod/orders'), headers: { 'Content-Type': 'application/json' }, body: '{}' },
      { kind: ApiAuthKind.AWS_SIGV4, service: 'execute-api' }, { ...CREDENTIALS, sessionToken: 'session-token-1' }, 'eu-west-1', DATE);
    expect(headers['x-amz-security-token']).toBe('session-token-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });

  test('no credentials in the environment is AuthenticationError', async () => {
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      await expect(signedHeaders({ method: 'GET', url: new URL('https://x.amazonaws.com/'), headers: {} }, { ...PROFILE, region: 'us-east-1' }))
        .rejects.toMatchObject({ name: 'AuthenticationError' });
    } finally {
      process.env = saved;
    }
  });
});
