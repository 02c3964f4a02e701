import { Size } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Where response bodies too large for the execution's state (or not text) go: streamed by the
 * renderer to `s3://<bucket>/<keyPrefix><execution name>/<attempt>`, the output carrying
 * `bodyLocation: { bucket, key, size, contentType }` instead of `body`.
 */
export interface LargeResponses {
  /**
   * The bucket. The renderer may only write (`s3:PutObject`, `s3:AbortMultipartUpload`) under
   * `keyPrefix`; nothing reads, lists, deletes or tags. Give it a lifecycle rule that fits how
   * long the bodies are needed.
   */
  readonly bucket: s3.IBucket;

  /**
   * Text bodies (JSON, XML, `text/*`, ...) larger than this go to S3; smaller ones stay in the
   * output. Bodies of any other content type always go to S3. At most 256 KiB, what a state holds.
   *
   * @default Size.kibibytes(200)
   */
  readonly threshold?: Size;

  /**
   * Prefix of the object keys (end it with `/` to make it a folder).
   *
   * @default 'responses/'
   */
  readonly keyPrefix?: string;

  /**
   * Largest body written to S3, enforced while it streams (`ResponseTooLargeError` beyond).
   *
   * @default Size.mebibytes(100)
   */
  readonly maxSize?: Size;
}
