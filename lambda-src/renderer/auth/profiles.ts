// The authentication profiles of the function's AUTH_PROFILES (set by the construct from its
// `auth` prop, src/private/auth-profiles.ts): settings and secret ARNs, never secret values.
// Parsed once per configuration, on the first call that names a profile.
import { ApiAuthKind, ClientCredentialsMethod, RendererEnvironment } from '../../../src/contract';
import { rendererConfig, type RendererConfig } from '../config';
import { InvalidTemplateError, RendererConfigurationError } from '../errors';

/** A Secrets Manager secret, or one field of a JSON secret. */
export interface SecretRef {
  readonly arn: string;
  readonly field?: string;
}

export interface OAuth2Profile {
  readonly kind: ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: SecretRef;
  readonly scopes?: readonly string[];
  readonly audience?: string;
  readonly extraParameters?: Readonly<Record<string, string>>;
  readonly sendCredentials: ClientCredentialsMethod;
}

export interface BasicProfile {
  readonly kind: ApiAuthKind.BASIC;
  readonly username: string;
  readonly password: SecretRef;
}

export interface BearerProfile {
  readonly kind: ApiAuthKind.BEARER;
  readonly token: SecretRef;
}

export interface ApiKeyProfile {
  readonly kind: ApiAuthKind.API_KEY;
  readonly value: SecretRef;
  readonly header?: string;
  readonly queryParameter?: string;
}

export interface AwsSigV4Profile {
  readonly kind: ApiAuthKind.AWS_SIGV4;
  readonly service: string;
  readonly region?: string;
}

export type AuthProfile = OAuth2Profile | BasicProfile | BearerProfile | ApiKeyProfile | AwsSigV4Profile;

const NAME = RendererEnvironment.AUTH_PROFILES;
const KINDS: ReadonlySet<string> = new Set(Object.values(ApiAuthKind));

let parsedFor: RendererConfig | undefined;
let parsed: ReadonlyMap<string, AuthProfile> = new Map();

/** The profile a template names; an unknown name is the template's error. */
export function authProfile(name: string, config = rendererConfig(), env: NodeJS.ProcessEnv = process.env): AuthProfile {
  if (parsedFor !== config) {
    parsed = parseAuthProfiles(env[NAME]);
    parsedFor = config;
  }
  const profile = parsed.get(name);
  if (profile === undefined) {
    const known = [...parsed.keys()];
    throw new InvalidTemplateError(`attribute auth names the authentication profile '${name.slice(0, 64)}', which the function does not have (profiles: ${known.length === 0 ? 'none' : known.join(', ')})`);
  }
  return profile;
}

/** AUTH_PROFILES as profiles by name; a malformed value is the deployment's error. */
export function parseAuthProfiles(value: string | undefined): Map<string, AuthProfile> {
  if (value === undefined || value.trim() === '') return new Map();
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    json = undefined;
  }
  if (!isObject(json)) throw new RendererConfigurationError(`${NAME} must be a JSON object of profile name to settings`);
  const profiles = new Map<string, AuthProfile>();
  for (const [name, settings] of Object.entries(json)) {
    if (!isObject(settings) || typeof settings.kind !== 'string' || !KINDS.has(settings.kind)) {
      throw new RendererConfigurationError(`${NAME}: profile ${name} has no known kind (${[...KINDS].join(', ')})`);
    }
    const refs = { clientSecret: 1, password: 1, token: 1, value: 1 } as Record<string, number>;
    for (const [key, ref] of Object.entries(settings)) {
      if (refs[key] === 1 && !(isObject(ref) && typeof ref.arn === 'string' && (ref.field === undefined || typeof ref.field === 'string'))) {
        throw new RendererConfigurationError(`${NAME}: profile ${name}: ${key} must be { arn, field? }`);
      }
    }
    const required: Record<string, string[]> = {
      [ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS]: ['tokenUrl', 'clientId', 'clientSecret'],
      [ApiAuthKind.BASIC]: ['username', 'password'],
      [ApiAuthKind.BEARER]: ['token'],
      [ApiAuthKind.API_KEY]: ['value'],
      [ApiAuthKind.AWS_SIGV4]: ['service'],
    };
    const missing = required[settings.kind].filter((key) => settings[key] === undefined || settings[key] === null);
    if (missing.length > 0) throw new RendererConfigurationError(`${NAME}: profile ${name} lacks ${missing.join(', ')}`);
    profiles.set(name, settings as unknown as AuthProfile);
  }
  return profiles;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
