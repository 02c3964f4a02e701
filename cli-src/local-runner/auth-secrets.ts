// The secrets of the functions' authentication profiles (AUTH_PROFILES), by the names local runs
// give their values: `<profile>.<setting>`, e.g. `billing.clientSecret` (the secret's whole
// string; a JSON text when the profile reads one field of it).
import type { LocalFunction } from './cloudformation';
import { RendererEnvironment } from '../../src/contract';

const SECRET_SETTINGS = ['clientSecret', 'password', 'token', 'value'];

export function authSecretArns(functions: readonly LocalFunction[]): Map<string, string> {
  const arns = new Map<string, string>();
  for (const fn of functions) {
    const json = fn.environment[RendererEnvironment.AUTH_PROFILES];
    if (json === undefined) continue;
    for (const [profile, settings] of Object.entries<Record<string, unknown>>(JSON.parse(json))) {
      for (const setting of SECRET_SETTINGS) {
        const ref = settings[setting] as { arn?: unknown } | undefined;
        if (typeof ref?.arn === 'string') arns.set(`${profile}.${setting}`, ref.arn);
      }
    }
  }
  return arns;
}
