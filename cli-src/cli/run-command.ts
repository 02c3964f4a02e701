import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatExecution, LocalWorkflowRunner } from '../local-runner';
import { EXIT_FAILED, EXIT_OK, parseAssignments, parseJsonOption, UsageError } from './cli-io';
import type { Command } from './command';
import { loadOrReport } from './validate-command';

export const runCommand: Command = {
  name: 'run',
  summary: 'run an execution of a synthesized state machine locally',
  help: `Usage: templated-api-caller run <cdk.out/Stack.template.json> --input <json> [options]

Runs the TemplatedApiCaller state machine of a synthesized stack (run 'cdk synth' first) on this
machine: DynamoDB tasks against an embedded local DynamoDB (or --dynamodb-endpoint), the renderer
Lambda from the cloud assembly in-process. The HTTP calls are real. Prints every state and the
result.

Options:
  --input <json>              execution input, e.g. '{"templateName":"get-order","method":"GET","params":{}}'
  --templates <path>          template files or directories to put in the table first
  --dynamodb-endpoint <url>   use this DynamoDB instead of the embedded one
  --state-machine <id>        logical id of the state machine, if the stack has several
  --allow-private-networks    let the renderer call private and loopback addresses (local APIs)
  --secret <name=value>       the value of {{ secrets.<name> }}, served by a local stand-in for
                              Secrets Manager (repeatable)
  --env <NAME=value>          set a function environment variable, e.g. ALLOWED_HOSTS=127.0.0.1
                              (repeatable; overrides what the stack sets)
  --retry-interval-ms <ms>    wait this long between retries instead of the defined backoff
  --output-only               print only the execution output JSON

Exit code 0 when the execution succeeded, 1 when it failed.`,
  options: {
    'input': { type: 'string' },
    'templates': { type: 'string', multiple: true },
    'dynamodb-endpoint': { type: 'string' },
    'state-machine': { type: 'string' },
    'allow-private-networks': { type: 'boolean' },
    'env': { type: 'string', multiple: true },
    'secret': { type: 'string', multiple: true },
    'retry-interval-ms': { type: 'string' },
    'output-only': { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name one synthesized template, e.g. cdk.out/MyStack.template.json');
    const templateFile = path.resolve(io.cwd, positionals[0]);
    if (!fs.existsSync(templateFile)) throw new UsageError(`${positionals[0]}: no such file (run 'cdk synth' first)`);
    const input = parseJsonOption(values.input as string | undefined, '--input');
    const retryIntervalMs = values['retry-interval-ms'] === undefined ? undefined : Number(values['retry-interval-ms']);
    if (retryIntervalMs !== undefined && !(Number.isInteger(retryIntervalMs) && retryIntervalMs >= 0)) {
      throw new UsageError('--retry-interval-ms must be a whole number of milliseconds');
    }
    const functionEnvironment: Record<string, string> = {
      ...(values['allow-private-networks'] ? { ALLOW_PRIVATE_NETWORKS: 'true' } : {}),
      ...parseAssignments(values.env, '--env'),
    };
    const secretValues = parseAssignments(values.secret, '--secret');
    const templates = values.templates === undefined ? [] : loadOrReport(values.templates as string[], io);
    if (templates === undefined) return EXIT_FAILED;

    const runner = await LocalWorkflowRunner.fromTemplate(JSON.parse(fs.readFileSync(templateFile, 'utf8')), {
      assemblyDir: path.dirname(templateFile),
      stateMachineId: values['state-machine'] as string | undefined,
      dynamoDbEndpoint: values['dynamodb-endpoint'] as string | undefined,
      retryIntervalMs,
      functionEnvironment,
      secretValues,
    });
    try {
      for (const { item } of templates) await runner.putItem(item);
      const record = await runner.execute(input);
      if (values['output-only']) {
        io.out(JSON.stringify(record.output ?? { error: record.error, cause: record.cause }, null, 2));
      } else {
        io.out(formatExecution(record));
        record.logs.forEach(line => io.out(`  log ${line}`));
        if (record.output !== undefined) io.out(JSON.stringify(record.output, null, 2));
      }
      return record.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILED;
    } finally {
      await runner.close();
    }
  },
};

