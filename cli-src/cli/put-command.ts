import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { EXIT_FAILED, EXIT_OK, UsageError } from './cli-io';
import type { Command } from './command';
import { authProblems, stackAuthProfiles } from './stack-auth';
import { loadTemplates } from './template-loader';
import { checkTemplateSyntax } from '../template-files/template-syntax';

/** DynamoDB's BatchWriteItem limit. */
const BATCH_SIZE = 25;

export const putCommand: Command = {
  name: 'put',
  summary: 'write template files to a DynamoDB table',
  help: `Usage: templated-api-caller put <file-or-directory>... --table <name> [options]

Validates the templates (as 'validate' does) and writes them to the table, replacing templates
with the same name and method. Nothing is written unless every template is valid.

Options:
  --table <name>      the template table (the TemplatedApiCaller's table name)
  --endpoint <url>    DynamoDB endpoint, e.g. http://127.0.0.1:8000 for a local DynamoDB
  --region <region>   AWS region (default: AWS_REGION, or the SDK's configuration)
  --dry-run           validate and list what would be written, write nothing
  --stack <file>      the synthesized stack (cdk.out/Stack.template.json): a template's auth
                      must name one of its authentication profiles

Credentials come from the AWS SDK's default chain (environment, profile, role).
Exit code 0 when every template was written, 1 otherwise.`,
  options: {
    'table': { type: 'string' },
    'endpoint': { type: 'string' },
    'region': { type: 'string' },
    'dry-run': { type: 'boolean' },
    'stack': { type: 'string' },
  },
  async run(values, positionals, io) {
    const table = values.table as string | undefined;
    if (positionals.length === 0) throw new UsageError('name at least one template file or directory');
    if (!table) throw new UsageError('--table is required');
    const profiles = stackAuthProfiles(values.stack, io);
    const entries = loadTemplates(positionals, io);
    if (entries === undefined) return EXIT_FAILED;
    const invalid = entries.flatMap(e => [...checkTemplateSyntax(e.item), ...authProblems(e.item, profiles)].map(p => `${e.item.PK} ${e.item.SK}: ${p}`));
    if (invalid.length > 0) {
      invalid.forEach(line => io.err(`✘ ${line}`));
      io.err('nothing written: fix the templates first');
      return EXIT_FAILED;
    }
    if (values['dry-run']) {
      entries.forEach(e => io.out(`would put ${e.item.PK} ${e.item.SK}`));
      return EXIT_OK;
    }
    const client = new DynamoDBClient({
      ...(values.endpoint ? { endpoint: values.endpoint as string } : {}),
      ...(values.region ? { region: values.region as string } : {}),
    });
    try {
      for (let i = 0; i < entries.length; i += BATCH_SIZE) {
        let requests: Record<string, any> = {
          [table]: entries.slice(i, i + BATCH_SIZE).map(e => ({ PutRequest: { Item: marshall(e.item) } })),
        };
        // Unprocessed items are retried with backoff, as DynamoDB asks.
        for (let attempt = 0; Object.keys(requests).length > 0; attempt++) {
          if (attempt > 0) await new Promise(resolve => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
          if (attempt > 8) throw new Error('DynamoDB kept items unprocessed after 8 retries');
          const result = await client.send(new BatchWriteItemCommand({ RequestItems: requests }));
          requests = result.UnprocessedItems ?? {};
        }
      }
    } catch (error) {
      io.err(`✘ writing to table ${table} failed: ${(error as Error).name}: ${(error as Error).message}`);
      return EXIT_FAILED;
    } finally {
      client.destroy();
    }
    entries.forEach(e => io.out(`✔ put ${e.item.PK} ${e.item.SK}`));
    io.out(`${entries.length} templates written to ${table}`);
    return EXIT_OK;
  },
};
