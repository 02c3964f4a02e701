import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnTemplate, LocalWorkflowRunner, readStateMachine } from '../local-runner';
import { EXIT_FAILED, EXIT_OK, parseAssignments, parseJsonOption, UsageError } from './cli-io';
import type { Command } from './command';
import { executionReport } from './execution-report';
import { parseCause, RunContext, runHints } from './run-hints';
import { loadTemplates } from './template-loader';
import { RendererEnvironment } from '../../src/contract';
import { authSecretArns } from '../local-runner/auth-secrets';
import { formatCallSummary, summarizeCalls } from '../local-runner/metrics-summary';

export const runCommand: Command = {
  name: 'run',
  summary: 'run an execution of a synthesized state machine locally',
  help: `Usage: templated-api-caller run <cdk.out/Stack.template.json> --input <json> [options]

Runs the TemplatedApiCaller state machine of a synthesized stack (run 'cdk synth' first) on this
machine: DynamoDB tasks against an embedded local DynamoDB (or --dynamodb-endpoint), the renderer
Lambda from the cloud assembly in-process. The HTTP calls are real. Prints every state, the
result and a metrics summary per template and method (calls, status classes, errors, retries,
latency), read from the renderer's log lines.

Options:
  --input <json>              execution input (required), e.g. '{"templateName":"get-order","method":"GET","params":{}}'
  --templates <path>          template files or directories to put in the table first
  --dynamodb-endpoint <url>   use this DynamoDB instead of the embedded one
  --table <name>              the template table to read (and create if missing), e.g. the one
                              'put --table' wrote to (default: the stack's table, by its
                              physical name or else its logical id)
  --state-machine <id>        logical id of the state machine, if the stack has several
  --allow-private-networks    let the renderer call private and loopback addresses (local APIs)
  --secret <name=value>       the value of {{ secrets.<name> }}, served by a local stand-in for
                              Secrets Manager (repeatable; names as the stack's secrets prop),
                              or of an auth profile's secret as <profile>.<setting>, e.g.
                              billing.clientSecret=s3cr3t
  --env <NAME=value>          set a function environment variable, e.g. ALLOWED_HOSTS=127.0.0.1
                              (repeatable; overrides what the stack sets)
  --retry-interval-ms <ms>    wait this long between retries instead of the defined backoff
  --output-only               print only the execution output JSON ({error, cause} on failure);
                              the metrics summary goes to stderr

Exit code 0 when the execution succeeded, 1 when it failed, 2 for a wrong command line.`,
  options: {
    'input': { type: 'string' },
    'templates': { type: 'string', multiple: true },
    'dynamodb-endpoint': { type: 'string' },
    'table': { type: 'string' },
    'state-machine': { type: 'string' },
    'allow-private-networks': { type: 'boolean' },
    'env': { type: 'string', multiple: true },
    'secret': { type: 'string', multiple: true },
    'retry-interval-ms': { type: 'string' },
    'output-only': { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name one synthesized template, e.g. cdk.out/MyStack.template.json');
    if (values.input === undefined) throw new UsageError('--input is required: the execution input, e.g. \'{"templateName":"get-order","method":"GET","params":{}}\'');
    const templateFile = path.resolve(io.cwd, positionals[0]);
    if (!fs.existsSync(templateFile)) throw new UsageError(`${positionals[0]}: no such file (run 'cdk synth' first)`);
    const input = parseJsonOption(values.input as string, '--input');
    const retryIntervalMs = values['retry-interval-ms'] === undefined ? undefined : Number(values['retry-interval-ms']);
    if (retryIntervalMs !== undefined && !(Number.isInteger(retryIntervalMs) && retryIntervalMs >= 0)) {
      throw new UsageError('--retry-interval-ms must be a whole number of milliseconds');
    }
    const functionEnvironment: Record<string, string> = {
      ...(values['allow-private-networks'] ? { [RendererEnvironment.ALLOW_PRIVATE_NETWORKS]: 'true' } : {}),
      ...parseAssignments(values.env, '--env'),
    };
    const secretValues = parseAssignments(values.secret, '--secret', true);
    const stateMachineId = values['state-machine'] as string | undefined;
    const template = withTableName(JSON.parse(fs.readFileSync(templateFile, 'utf8')) as CfnTemplate, values.table as string | undefined);
    const context = runContext(template, stateMachineId, functionEnvironment);
    // Checked here, so that the message names the flag and the secrets the stack has.
    for (const name of Object.keys(secretValues)) {
      if (!context.secretNames.includes(name)) {
        throw new UsageError(`--secret ${name}: the stack defines no secret named ${name} `
          + `(${context.secretNames.length > 0 ? `its secrets: ${context.secretNames.join(', ')}` : 'it has no secrets'})`);
      }
    }
    const templates = values.templates === undefined ? [] : loadTemplates(values.templates as string[], io);
    if (templates === undefined) return EXIT_FAILED;

    const runner = await LocalWorkflowRunner.fromTemplate(template, {
      assemblyDir: path.dirname(templateFile),
      stateMachineId,
      dynamoDbEndpoint: values['dynamodb-endpoint'] as string | undefined,
      retryIntervalMs,
      functionEnvironment,
      secretValues,
      // The metrics summary is read from the functions' log lines: keep them in the record.
      captureFunctionLogs: true,
    });
    try {
      for (const { item } of templates) await runner.putItem(item);
      const outputOnly = values['output-only'] === true;
      if (!outputOnly) {
        const where = values['dynamodb-endpoint'] === undefined ? 'the embedded DynamoDB' : values['dynamodb-endpoint'];
        io.out(`table ${context.tableName} in ${where}${templates.length > 0 ? `, ${templates.length} ${templates.length === 1 ? 'template' : 'templates'} put from --templates` : ''}`);
      }
      const record = await runner.execute(input);
      if (outputOnly) {
        // A failure's cause is a Lambda error payload (JSON) more often than not: print it as JSON.
        io.out(JSON.stringify(record.output ?? { error: record.error, cause: parseCause(record.cause) }, null, 2));
      } else {
        executionReport(record).forEach(line => io.out(line));
        if (record.output !== undefined) io.out(JSON.stringify(record.output, null, 2));
      }
      // On stderr with --output-only, so that stdout stays the output JSON alone.
      const metrics = formatCallSummary(summarizeCalls(record.logs));
      metrics.split('\n').forEach(line => (outputOnly ? io.err : io.out)(line));
      if (record.status !== 'SUCCEEDED') runHints(record, context).forEach(hint => io.err(`hint: ${hint}`));
      return record.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILED;
    } finally {
      await runner.close();
    }
  },
};

/** The template with `--table` as the physical name of its table, so the definition reads it. */
function withTableName(template: CfnTemplate, tableName: string | undefined): CfnTemplate {
  if (tableName === undefined) return template;
  const tables = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1) {
    throw new UsageError(`--table: the stack has ${tables.length} DynamoDB tables, not one (${tables.map(([id]) => id).join(', ') || 'none'})`);
  }
  const [id, table] = tables[0];
  return { ...template, Resources: { ...template.Resources, [id]: { ...table, Properties: { ...table.Properties, TableName: tableName } } } };
}

/** What the hints need: the table, the renderer's effective allow-list, the stack's secret names. */
function runContext(template: CfnTemplate, stateMachineId: string | undefined, functionEnvironment: Record<string, string>): RunContext {
  let machine;
  try {
    machine = readStateMachine(template, stateMachineId);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/; pass its logical id$/, '; pass its logical id with --state-machine'));
  }
  const renderers = machine.functions.filter(fn => fn.environment[RendererEnvironment.ALLOW_PRIVATE_NETWORKS] !== undefined);
  const environment = { ...renderers[0]?.environment, ...functionEnvironment };
  const secretNames = [...new Set(machine.functions.flatMap(fn => {
    const json = fn.environment[RendererEnvironment.SECRET_ARNS];
    return json === undefined ? [] : Object.keys(JSON.parse(json) as Record<string, string>);
  }).concat([...authSecretArns(machine.functions).keys()]))];
  return {
    tableName: machine.tables.length === 1 ? machine.tables[0].tableName : machine.tables.map(t => t.tableName).join(' or '),
    allowedHosts: (environment[RendererEnvironment.ALLOWED_HOSTS] ?? '').split(',').map(h => h.trim()).filter(h => h !== ''),
    privateNetworksAllowed: environment[RendererEnvironment.ALLOW_PRIVATE_NETWORKS] === 'true',
    secretNames,
  };
}
