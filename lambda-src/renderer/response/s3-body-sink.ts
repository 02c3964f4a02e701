// Streams a response body to S3 with the Lambda runtime's AWS SDK (external in the bundle): one
// PutObject when it fits in a part, a multipart upload otherwise. At most one part is buffered
// while earlier ones upload (the HTTP body waits beyond two in flight), so memory stays at a few
// parts whatever the body's size.
import type { S3Client } from '@aws-sdk/client-s3';
import type { BodyLocation, BodySink } from './body-offload';

/** Part size: S3's minimum is 5 MiB (but for the last part). */
export const PART_BYTES = 8 * 1024 * 1024;

let client: S3Client | undefined;

function s3(): { client: S3Client; sdk: typeof import('@aws-sdk/client-s3') } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  // AWS_ENDPOINT_URL_S3 (a local S3 API) is read by the SDK itself; such servers answer on one
  // host, so buckets go in the path there.
  client ??= new sdk.S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
  return { client, sdk };
}

/** Tests and the local runner: the next upload builds a client from the environment of that time. */
export function resetS3Client(): void {
  client?.destroy();
  client = undefined;
}

export class S3BodySink implements BodySink {
  private part: Buffer[] = [];
  private partSize = 0;
  private size = 0;
  private uploadId?: Promise<string>;
  private readonly parts: Array<Promise<{ ETag?: string; PartNumber: number }>> = [];
  private inFlight?: Promise<unknown>;
  private aborted = false;

  constructor(private readonly bucket: string, private readonly key: string, private readonly contentType: string) {}

  write(chunk: Buffer): Promise<void> | undefined {
    this.part.push(chunk);
    this.partSize += chunk.length;
    this.size += chunk.length;
    if (this.partSize < PART_BYTES) return undefined;
    const previous = this.inFlight;
    this.inFlight = this.uploadPart();
    // Back-pressure: the HTTP body waits while two parts would be in memory.
    return previous === undefined ? undefined : previous.then(() => undefined);
  }

  async end(): Promise<BodyLocation> {
    const { client: s3Client, sdk } = s3();
    if (this.uploadId === undefined) {
      await s3Client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: this.take(), ContentType: this.contentType }));
    } else {
      // The last part; its outcome is awaited with the others below.
      if (this.partSize > 0) void this.uploadPart();
      const uploadId = await this.uploadId;
      try {
        const parts = await Promise.all(this.parts);
        await s3Client.send(new sdk.CompleteMultipartUploadCommand({
          Bucket: this.bucket, Key: this.key, UploadId: uploadId, MultipartUpload: { Parts: parts },
        }));
      } catch (error) {
        this.abort();
        throw error;
      }
    }
    return { bucket: this.bucket, key: this.key, size: this.size, contentType: this.contentType };
  }

  abort(): void {
    if (this.aborted || this.uploadId === undefined) return;
    this.aborted = true;
    const { client: s3Client, sdk } = s3();
    // No parts left behind to be billed for (s3:AbortMultipartUpload on the prefix).
    void this.uploadId.then((UploadId) => s3Client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId })))
      .catch(() => undefined);
  }

  private uploadPart(): Promise<unknown> {
    const { client: s3Client, sdk } = s3();
    this.uploadId ??= s3Client.send(new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: this.contentType }))
      .then((created) => created.UploadId!);
    const PartNumber = this.parts.length + 1;
    const Body = this.take();
    const uploaded = this.uploadId
      .then((UploadId) => s3Client.send(new sdk.UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId, PartNumber, Body })))
      .then((result) => ({ ETag: result.ETag, PartNumber }));
    // Failures surface in end() (Promise.all); until then they must not be unhandled.
    uploaded.catch(() => undefined);
    this.parts.push(uploaded);
    return uploaded;
  }

  private take(): Buffer {
    const body = this.part.length === 1 ? this.part[0] : Buffer.concat(this.part, this.partSize);
    this.part = [];
    this.partSize = 0;
    return body;
  }
}
