// An in-process DynamoDB (dynalite) on 127.0.0.1, or a client for a user-given endpoint.
import { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { LocalTable } from './cloudformation';

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: Record<string, number>) => import('node:http').Server = require('dynalite');

export interface LocalDynamoDbOptions {
  /** An existing DynamoDB endpoint; when absent an in-process dynalite server is started. */
  readonly endpoint?: string;
  /** @default 'local-1' */
  readonly region?: string;
}

export class LocalDynamoDb {
  /** Starts dynalite on a free loopback port, or connects to `options.endpoint`. */
  public static async start(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
    let server: import('node:http').Server | undefined;
    let endpoint = options.endpoint;
    if (endpoint === undefined) {
      server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(0, '127.0.0.1', () => resolve());
      });
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    const client = new DynamoDBClient({
      endpoint,
      region: options.region ?? 'local-1',
      // dynalite ignores credentials; a real endpoint uses the default provider chain.
      ...(server ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    return new LocalDynamoDb(endpoint, client, server);
  }

  private constructor(
    /** Where the DynamoDB API answers, e.g. `http://127.0.0.1:4567`. */
    public readonly endpoint: string,
    public readonly client: DynamoDBClient,
    private readonly server?: import('node:http').Server,
  ) {}

  /** Creates the tables if they do not exist yet (on-demand, same keys as in the template). */
  public async createTables(tables: readonly LocalTable[]): Promise<void> {
    for (const table of tables) {
      try {
        await this.client.send(new CreateTableCommand({
          TableName: table.tableName,
          KeySchema: table.keySchema as any,
          AttributeDefinitions: table.attributeDefinitions as any,
          BillingMode: 'PAY_PER_REQUEST',
        }));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
  }

  public async close(): Promise<void> {
    this.client.destroy();
    const server = this.server;
    if (server) {
      await new Promise<void>(resolve => server.close(() => resolve()));
    }
  }
}
