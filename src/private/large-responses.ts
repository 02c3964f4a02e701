import { CfnResource, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkInteger } from './checks';
import { ValidationError } from './validation-error';
import { RendererDefaults, RendererEnvironment } from '../contract';
import { LargeResponses } from '../large-responses';

/** A state holds 256 KiB: an inline body must fit in it. */
const MAX_THRESHOLD = Size.kibibytes(256);
/** What a Lambda function can stream in its 15 minutes is bounded elsewhere; S3's own object limit is 5 TiB. */
const MAX_OFFLOADED = Size.gibibytes(5);
/** Key prefixes: S3 key characters that need no escaping in an IAM resource ARN. */
const KEY_PREFIX = /^[A-Za-z0-9!_.'()/-]{0,512}$/;

/**
 * Large responses for the renderer: the settings in its environment (the bucket by name, so a
 * bucket from another stack works), and a grant that only writes under the prefix. The threshold
 * replaces `maxResponseSize` as the cap of bodies kept in the state.
 */
export function configureLargeResponses(scope: Construct, fn: lambda.Function, large: LargeResponses, maxResponseSizeGiven: boolean): void {
  if (maxResponseSizeGiven) {
    throw new ValidationError('maxResponseSize', 'cannot be combined with `largeResponses`: `largeResponses.threshold` decides which bodies stay in the state and `largeResponses.maxSize` caps the others', scope);
  }
  const threshold = (large.threshold ?? Size.bytes(RendererDefaults.LARGE_RESPONSE_THRESHOLD_BYTES)).toBytes();
  checkInteger(scope, 'largeResponses.threshold', threshold, 1, MAX_THRESHOLD.toBytes());
  const maxSize = (large.maxSize ?? Size.bytes(RendererDefaults.MAX_OFFLOADED_RESPONSE_BYTES)).toBytes();
  checkInteger(scope, 'largeResponses.maxSize', maxSize, threshold, MAX_OFFLOADED.toBytes());
  const keyPrefix = large.keyPrefix ?? 'responses/';
  if (Token.isUnresolved(keyPrefix) || !KEY_PREFIX.test(keyPrefix)) {
    throw new ValidationError('largeResponses.keyPrefix', `must be a literal of at most 512 letters, digits and !_.'()/- characters, got '${keyPrefix}'`, scope);
  }

  fn.addEnvironment(RendererEnvironment.LARGE_RESPONSE_BUCKET, large.bucket.bucketName);
  fn.addEnvironment(RendererEnvironment.LARGE_RESPONSE_KEY_PREFIX, keyPrefix);
  fn.addEnvironment(RendererEnvironment.LARGE_RESPONSE_THRESHOLD_BYTES, String(threshold));
  fn.addEnvironment(RendererEnvironment.MAX_OFFLOADED_RESPONSE_BYTES, String(maxSize));
  // Bodies kept in the state are capped by the threshold.
  fn.addEnvironment(RendererEnvironment.MAX_RESPONSE_BYTES, String(threshold));

  // Writing only: PutObject (which also covers CreateMultipartUpload, UploadPart and
  // CompleteMultipartUpload) and AbortMultipartUpload, on the prefix.
  const objects = large.bucket.arnForObjects(`${keyPrefix}*`);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [objects] }));
  large.bucket.encryptionKey?.grantEncrypt(fn);
  // The wildcard is the key of each execution and attempt. (A bucket imported by name gives a
  // literal ARN: its finding is left to the user, who knows the bucket.)
  const bucket = large.bucket.node.defaultChild;
  if (bucket instanceof CfnResource) {
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket)}.Arn>/${keyPrefix}*]`,
      reason: 'Writes offloaded response bodies under the largeResponses key prefix only: one object per execution and attempt, named at run time.',
    });
  }
}
