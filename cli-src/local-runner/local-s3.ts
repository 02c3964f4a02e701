// A real S3 API on 127.0.0.1 (s3rver) for functions with large responses (LARGE_RESPONSE_BUCKET):
// their AWS SDK reaches it through AWS_ENDPOINT_URL_S3; its buckets are created first. Objects
// live in a temporary directory removed on close. Loaded only when a function needs it.
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LocalFunction } from './cloudformation';
import { RendererEnvironment } from '../../src/contract';

/** The credentials the runner gives functions (see local-workflow-runner.ts). */
const LOCAL_ACCESS_KEY = 'local';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export class LocalS3 {
  /** Starts a local S3 holding the functions' large-response buckets; undefined when none has one. */
  public static async startFor(functions: readonly LocalFunction[]): Promise<LocalS3 | undefined> {
    const buckets = [...new Set(functions.map(fn => fn.environment[RendererEnvironment.LARGE_RESPONSE_BUCKET]))]
      .filter((name): name is string => !!name);
    if (buckets.length === 0) return undefined;
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

  private constructor(private readonly server: S3rverServer, public readonly endpoint: string, private readonly directory: string) {}

  public async close(): Promise<void> {
    await this.server.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
