// A real S3 API on 127.0.0.1 (s3rver) for functions with large responses (LARGE_RESPONSE_BUCKET)
// and for Distributed Maps that read items from S3 or write results there: functions' AWS SDK
// reaches it through AWS_ENDPOINT_URL_S3, the runner through `client`. The stack's buckets are
// created first. Objects live in a temporary directory removed on close. Loaded only when needed.
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_REGION, type LocalStateMachine } from './cloudformation';
import { RendererEnvironment } from '../../src/contract';

/** The credentials the runner gives functions (see local-workflow-runner.ts). */
const LOCAL_ACCESS_KEY = 'local';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export class LocalS3 {
  /**
   * Starts a local S3 holding the functions' large-response buckets and the stack's buckets, when
   * a function has large responses or the definition reads or writes S3 (ItemReader,
   * ResultWriter); undefined otherwise.
   */
  public static async startFor(machine: LocalStateMachine): Promise<LocalS3 | undefined> {
    const largeResponses = machine.functions
      .map(fn => fn.environment[RendererEnvironment.LARGE_RESPONSE_BUCKET])
      .filter((name): name is string => !!name);
    const definitionUsesS3 = JSON.stringify(machine.definition).includes('"arn:aws:states:::s3:');
    if (largeResponses.length === 0 && !definitionUsesS3) return undefined;
    const buckets = [...new Set([...largeResponses, ...machine.buckets])];
    /* eslint-disable @typescript-eslint/no-require-imports */
    const S3rver = require('s3rver') as new (options: object) => S3rverServer;
    // s3rver checks that the access key exists (it does not verify SigV4 signatures).
    (require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } })
      .DUMMY_ACCOUNT.createKeyPair(LOCAL_ACCESS_KEY, LOCAL_ACCESS_KEY);
    /* eslint-enable @typescript-eslint/no-require-imports */
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'local-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map(name => ({ name })) });
    const { port } = await server.run();
    return new LocalS3(server, `http://127.0.0.1:${port}`, directory);
  }

  /** The runner's own client (path-style, the local credentials). */
  public readonly client: S3Client;

  private constructor(private readonly server: S3rverServer, public readonly endpoint: string, private readonly directory: string) {
    this.client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: LOCAL_REGION,
      credentials: { accessKeyId: LOCAL_ACCESS_KEY, secretAccessKey: LOCAL_ACCESS_KEY },
    });
  }

  public async close(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
