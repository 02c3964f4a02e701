// AWS Signature Version 4 with the function's own credentials (the variables Lambda sets for its
// execution role) and the signer of the AWS SDK the Lambda runtime provides: @smithy/signature-v4
// is not bundled (build-tools/bundle.mjs), and loaded on the first signed call only.
import type { SignatureV4 } from '@smithy/signature-v4';
import { AuthenticationError, RendererConfigurationError } from '../errors';
import type { AwsSigV4Profile } from './profiles';

export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

let signerModule: typeof import('@smithy/signature-v4') | undefined;

/** The headers to send: the request's, plus `authorization`, `x-amz-date` and (with a session) `x-amz-security-token`. */
export async function signedHeaders(
  request: SignableRequest, profile: AwsSigV4Profile, credentials = environmentCredentials(),
  region = profile.region ?? process.env.AWS_REGION, signingDate = new Date(),
): Promise<Record<string, string>> {
  if (region === undefined || region === '') {
    throw new AuthenticationError('awsSigV4: no region to sign for (set the profile\'s region)');
  }
  const { url } = request;
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const previous = query[key];
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  const s3 = profile.service === 's3';
  const signer: SignatureV4 = new (loadSigner().SignatureV4)({
    service: profile.service,
    region,
    credentials,
    sha256: NodeSha256,
    // S3 wants the payload hash header and its paths as they are; other services neither.
    applyChecksum: s3,
    uriEscapePath: !s3,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    // The path as it goes on the wire (percent-encoded by URL), as the SDK hands it over: the
    // signer encodes it once more, as SigV4 asks for every service but S3.
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    body: request.body,
  }, { signingDate });
  // The HTTP client sends Host itself, with the same value.
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

function environmentCredentials(): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new AuthenticationError('awsSigV4: the function has no AWS credentials in its environment');
  }
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
}

function loadSigner(): typeof import('@smithy/signature-v4') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return signerModule ??= require('@smithy/signature-v4') as typeof import('@smithy/signature-v4');
  } catch {
    throw new RendererConfigurationError('awsSigV4: @smithy/signature-v4 is not available (the Node.js Lambda runtime provides it with the AWS SDK)');
  }
}

/** The SDK's hash interface (`new Sha256(secret?)`, `update`, `digest`) on node:crypto. */
class NodeSha256 {
  private readonly hash: import('node:crypto').Hash | import('node:crypto').Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require('node:crypto') as typeof import('node:crypto');
    this.hash = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytes(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
