// What to do after a local run failed, in the CLI's own terms: the renderer's messages name its
// environment variables and Secrets Manager, which a `run` user reaches through flags.
import * as net from 'node:net';
import { isPublicAddress } from '../../lambda-src/renderer/destination-guard';
import type { ExecutionRecord } from '../local-runner';

/** What the hints need to know about the run. */
export interface RunContext {
  /** The table FetchTemplate read. */
  readonly tableName: string;
  /** ALLOWED_HOSTS as the renderer saw it (the stack's, or --env's); empty: any public host. */
  readonly allowedHosts: readonly string[];
  /** Whether --allow-private-networks (or --env ALLOW_PRIVATE_NETWORKS=true) was given. */
  readonly privateNetworksAllowed: boolean;
  /** The secret names the stack's functions define. */
  readonly secretNames: readonly string[];
}

/** The message of a failed execution's cause: a Lambda error payload's `errorMessage`, or the cause. */
export function causeMessage(cause: string | undefined): string {
  const parsed = parseCause(cause);
  return typeof (parsed as { errorMessage?: unknown })?.errorMessage === 'string'
    ? (parsed as { errorMessage: string }).errorMessage
    : cause ?? '';
}

/** A cause that is JSON (a Lambda error payload) as the object it is, else the text. */
export function parseCause(cause: string | undefined): unknown {
  if (cause === undefined) return undefined;
  try {
    return JSON.parse(cause);
  } catch {
    return cause;
  }
}

/** Lines saying how to fix the failure with this command's flags; none for other failures. */
export function runHints(record: ExecutionRecord, context: RunContext): string[] {
  const message = causeMessage(record.cause);
  switch (record.error) {
    case 'TemplateNotFound':
      return templateNotFound(record.input, context);
    case 'SecretUnavailableError':
      return secretUnavailable(message, context);
    case 'BlockedDestinationError':
      return blockedDestination(message, context);
    default:
      return [];
  }
}

function templateNotFound(input: unknown, context: RunContext): string[] {
  const { templateName, method } = (input ?? {}) as { templateName?: unknown; method?: unknown };
  const hints = [`no template '${String(templateName)}' ${String(method)} in table ${context.tableName}: put it with --templates <file> (or 'put --table ${context.tableName}' with --dynamodb-endpoint)`];
  if (typeof method === 'string' && method !== method.toUpperCase()) {
    hints.push(`methods are upper case: use "method": "${method.toUpperCase()}"`);
  }
  return hints;
}

function secretUnavailable(message: string, context: RunContext): string[] {
  const name = /secrets\.([A-Za-z_][A-Za-z0-9_]*)/.exec(message)?.[1];
  if (name === undefined) return [];
  return [`a local run has no Secrets Manager of its own: pass --secret ${name}=… (the value the secret holds)`
    + (context.secretNames.length > 1 ? `; the stack's secrets: ${context.secretNames.join(', ')}` : '')];
}

function blockedDestination(message: string, context: RunContext): string[] {
  const host = /^(\S+) (?:resolves to a non-public address|is not in ALLOWED_HOSTS)/.exec(message)?.[1];
  if (host === undefined) return [];
  const hostName = host.replace(/:\d+$/, '');
  const hints: string[] = [];
  // Both checks are named at once, so that one failure teaches both flags: the allow-list is
  // checked before the address is resolved, so a loopback literal is recognised here.
  const privateAddress = /non-public address/.test(message) || hostName === 'localhost'
    || (net.isIP(hostName.replace(/^\[|\]$/g, '')) !== 0 && !isPublicAddress(hostName.replace(/^\[|\]$/g, '')));
  if (privateAddress && !context.privateNetworksAllowed) {
    hints.push(`${hostName} is a private or loopback address: pass --allow-private-networks to call it`);
  }
  if (context.allowedHosts.length > 0 && !context.allowedHosts.some(pattern => hostMatches(pattern, hostName))) {
    hints.push(`${hostName} is not in the function's allowed hosts (${context.allowedHosts.join(', ')}): `
      + `pass --env ALLOWED_HOSTS=${[...context.allowedHosts, hostName].join(',')}`);
  }
  return hints;
}

/** `api.example.com` matches itself; `*.example.com` matches its subdomains. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) : p === h;
}
