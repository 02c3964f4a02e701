import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_FAILED, EXIT_OK, parseAssignments, parseJsonOption, UsageError } from './cli-io';
import type { Command } from './command';
import { loadTemplates } from './template-loader';
import { previewResponse, responseView } from '../template-files/response-preview';
import { renderRequest } from '../template-files/template-syntax';

export const renderCommand: Command = {
  name: 'render',
  summary: 'render a template with params and show the request, without sending it',
  help: `Usage: templated-api-caller render <template-file> [--params <json> | --params-file <file>] [options]

Renders url, headers and payload exactly as the renderer Lambda would and prints the request
that would be sent. Nothing is sent and no address is resolved.

Options:
  --params <json>        params as a JSON object, e.g. '{"orderId":"ord-1"}'
  --params-file <file>   params from a JSON file
  --secret <name=value>  a value for {{ secrets.<name> }} (repeatable; a JSON object exposes
                         its fields, as Secrets Manager JSON secrets do in the Lambda)
  --name <name>          which template, when the file holds several
  --method <method>      which method, when the file holds several templates of that name
  --response-file <file> a sample response, {"status": 200, "headers": {...}, "body": ...}:
                         also prints what the template's response mapping (and pagination's
                         items and next URL) make of it
  --json                 print the request as JSON

Exit code 0 when the template rendered, 1 when it did not (the error is printed by name).`,
  options: {
    'params': { type: 'string' },
    'params-file': { type: 'string' },
    'secret': { type: 'string', multiple: true },
    'name': { type: 'string' },
    'method': { type: 'string' },
    'json': { type: 'boolean' },
    'response-file': { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name one template file');
    if (values.params !== undefined && values['params-file'] !== undefined) {
      throw new UsageError('give --params or --params-file, not both');
    }
    const params = values['params-file'] !== undefined
      ? parseJsonOption(readFile(values['params-file'] as string, io.cwd), '--params-file')
      : parseJsonOption(values.params as string | undefined, '--params');
    const entries = loadTemplates(positionals, io);
    if (entries === undefined) return EXIT_FAILED;
    const matching = entries.filter(e =>
      (values.name === undefined || e.item.PK === values.name)
      && (values.method === undefined || e.item.SK === String(values.method).toUpperCase()));
    if (matching.length !== 1) {
      const found = entries.map(e => `${e.item.PK} ${e.item.SK}`).join(', ');
      throw new UsageError(`${matching.length === 0 ? 'no' : 'more than one'} template matches; the file has: ${found} (use --name and --method)`);
    }
    const secrets = parseAssignments(values.secret, '--secret');
    let request;
    try {
      request = renderRequest(matching[0].item, params, secrets);
    } catch (error) {
      const hint = /\bsecrets\b/.test((error as Error).message) ? ' (give its value with --secret name=value)' : '';
      io.err(`✘ ${(error as Error).name}: ${(error as Error).message}${hint}`);
      return EXIT_FAILED;
    }
    let response;
    if (values['response-file'] !== undefined) {
      const sample = parseJsonOption(readFile(values['response-file'] as string, io.cwd), '--response-file');
      try {
        response = previewResponse(matching[0].item, { ...params, ...(Object.keys(secrets).length === 0 ? {} : { secrets }) }, responseView(sample));
      } catch (error) {
        io.err(`✘ ${(error as Error).name}: ${(error as Error).message}`);
        return EXIT_FAILED;
      }
    }
    if (values.json) {
      io.out(JSON.stringify(response === undefined ? request : { request, response }, null, 2));
    } else {
      io.out(`${request.method} ${request.url}`);
      for (const [name, value] of Object.entries(request.headers)) io.out(`${name}: ${value}`);
      if (request.body !== undefined) io.out(`\n${request.body}`);
      if (response !== undefined) io.out(`\n── response ──\n${JSON.stringify(response, null, 2)}`);
    }
    return EXIT_OK;
  },
};

function readFile(file: string, cwd: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read the file`);
  }
}
