// A local stand-in for Secrets Manager's GetSecretValue (the only call the renderer makes), on
// 127.0.0.1: the AWS SDK finds it through AWS_ENDPOINT_URL_SECRETS_MANAGER.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export class LocalSecretsManager {
  /** Serves `values` (secret string by ARN) until closed. */
  public static async start(values: ReadonlyMap<string, string>): Promise<LocalSecretsManager> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk));
      request.on('end', () => {
        const reply = (status: number, body: object) => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(body));
        };
        if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
          return reply(400, { __type: 'UnknownOperationException', message: `the local Secrets Manager only answers GetSecretValue, not ${request.headers['x-amz-target']}` });
        }
        let secretId: unknown;
        try {
          secretId = JSON.parse(Buffer.concat(chunks).toString('utf8')).SecretId;
        } catch {
          return reply(400, { __type: 'InvalidRequestException', message: 'the body is not JSON' });
        }
        const value = typeof secretId === 'string' ? values.get(secretId) : undefined;
        if (value === undefined) {
          return reply(400, { __type: 'ResourceNotFoundException', message: `no local value for secret ${String(secretId)}` });
        }
        return reply(200, { ARN: secretId, Name: String(secretId).split(':').pop(), SecretString: value, VersionId: 'local' });
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return new LocalSecretsManager(server);
  }

  private constructor(private readonly server: http.Server) {}

  /** `http://127.0.0.1:<port>` */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}
