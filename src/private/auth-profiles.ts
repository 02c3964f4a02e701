// The construct's `auth` prop → the renderer's AUTH_PROFILES (ARNs, never secret values) and the
// secrets to grant. Every check names the prop: `auth.billing.tokenUrl: ...`.
import { Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';
import {
  ApiAuth, ApiKeyAuthProps, AuthSecret, AwsSigV4AuthProps, BasicAuthProps, BearerAuthProps, OAuth2ClientCredentialsProps,
} from '../api-auth';
import { ApiAuthKind, ClientCredentialsMethod, ReservedRequestHeaders, TemplateLimits } from '../contract';

/** What the construct passes on: the profiles' settings (JSON-able, with tokens) and their secrets. */
export interface AuthProfiles {
  readonly names: readonly string[];
  /** Profile name → settings, as the renderer reads AUTH_PROFILES; undefined without profiles. */
  readonly settings?: Record<string, Record<string, unknown>>;
  readonly secrets: secretsmanager.ISecret[];
}

/** Where the construct's network settings bear on a token endpoint. */
export interface AuthNetwork {
  readonly allowPrivateNetworks: boolean;
  readonly allowedHosts?: string[];
}

const PROFILE_NAME = new RegExp(TemplateLimits.AUTH_PROFILE_PATTERN);
const HEADER_NAME = new RegExp(TemplateLimits.HEADER_NAME_PATTERN);
/** Parameters the renderer sets itself on a token request. */
const OWN_TOKEN_PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope', 'audience'];

export function authProfiles(scope: IConstruct, profiles: Record<string, ApiAuth>, network: AuthNetwork): AuthProfiles {
  const settings: Record<string, Record<string, unknown>> = {};
  const secrets: secretsmanager.ISecret[] = [];
  for (const [name, auth] of Object.entries(profiles)) {
    const prop = `auth.${name}`;
    if (!PROFILE_NAME.test(name)) {
      throw new ValidationError(prop, 'a profile name is letters, digits, _, - and . (at most 64), as templates name it in `auth`', scope);
    }
    if (!(auth instanceof ApiAuth)) {
      throw new ValidationError(prop, 'must be an ApiAuth (ApiAuth.oauth2ClientCredentials(), .basic(), .bearer(), .apiKey() or .awsSigV4())', scope);
    }
    settings[name] = profileSettings(scope, prop, auth, network);
    for (const { secret } of auth._secrets) {
      if (!secrets.includes(secret)) secrets.push(secret);
    }
  }
  const names = Object.keys(settings);
  return { names, settings: names.length === 0 ? undefined : settings, secrets };
}

function profileSettings(scope: IConstruct, prop: string, auth: ApiAuth, network: AuthNetwork): Record<string, unknown> {
  switch (auth.kind) {
    case ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS: {
      const p = auth._props as OAuth2ClientCredentialsProps;
      checkTokenUrl(scope, `${prop}.tokenUrl`, p.tokenUrl, network);
      nonEmpty(scope, `${prop}.clientId`, p.clientId);
      (p.scopes ?? []).forEach((s, i) => {
        if (!Token.isUnresolved(s) && !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) {
          throw new ValidationError(`${prop}.scopes[${i}]`, `a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749, 3.3), got '${s}'`, scope);
        }
      });
      for (const key of Object.keys(p.extraParameters ?? {})) {
        if (OWN_TOKEN_PARAMETERS.includes(key)) {
          throw new ValidationError(`${prop}.extraParameters.${key}`, `is set by the renderer (from ${key === 'scope' ? 'scopes' : key === 'audience' ? 'audience' : 'the profile'}); remove it`, scope);
        }
      }
      return {
        kind: auth.kind,
        tokenUrl: p.tokenUrl,
        clientId: p.clientId,
        clientSecret: secretRef(p.clientSecret),
        scopes: p.scopes,
        audience: p.audience,
        extraParameters: p.extraParameters,
        sendCredentials: p.sendCredentials ?? ClientCredentialsMethod.BASIC_HEADER,
      };
    }
    case ApiAuthKind.BASIC: {
      const p = auth._props as BasicAuthProps;
      nonEmpty(scope, `${prop}.username`, p.username);
      if (!Token.isUnresolved(p.username) && p.username.includes(':')) {
        throw new ValidationError(`${prop}.username`, 'cannot contain a colon (RFC 7617: the colon separates user name and password)', scope);
      }
      return { kind: auth.kind, username: p.username, password: secretRef(p.password) };
    }
    case ApiAuthKind.BEARER:
      return { kind: auth.kind, token: secretRef((auth._props as BearerAuthProps).token) };
    case ApiAuthKind.API_KEY: {
      const p = auth._props as ApiKeyAuthProps;
      if (p.header !== undefined && p.queryParameter !== undefined) {
        throw new ValidationError(`${prop}.header`, 'give header or queryParameter, not both', scope);
      }
      if (p.queryParameter !== undefined) {
        nonEmpty(scope, `${prop}.queryParameter`, p.queryParameter);
        return { kind: auth.kind, value: secretRef(p.value), queryParameter: p.queryParameter };
      }
      const header = p.header ?? 'X-Api-Key';
      if (!HEADER_NAME.test(header) || ReservedRequestHeaders.isReserved(header)) {
        throw new ValidationError(`${prop}.header`, `must be a header name a request may set, got '${header}'`, scope);
      }
      return { kind: auth.kind, value: secretRef(p.value), header };
    }
    case ApiAuthKind.AWS_SIGV4: {
      const p = auth._props as AwsSigV4AuthProps;
      nonEmpty(scope, `${prop}.service`, p.service);
      return { kind: auth.kind, service: p.service, region: p.region };
    }
  }
  throw new ValidationError(prop, `unknown kind ${String(auth.kind)}`, scope);
}

function secretRef(secret: AuthSecret): Record<string, string | undefined> {
  return { arn: secret.secret.secretArn, field: secret.jsonField };
}

function nonEmpty(scope: IConstruct, prop: string, value: unknown): void {
  if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) {
    throw new ValidationError(prop, 'must be a non-empty string', scope);
  }
}

// The token endpoint is configured in code, not rendered: checked here as the renderer will.
function checkTokenUrl(scope: IConstruct, prop: string, tokenUrl: string, network: AuthNetwork): void {
  if (Token.isUnresolved(tokenUrl)) return;
  let url: URL;
  try {
    url = new URL(tokenUrl);
  } catch {
    throw new ValidationError(prop, `must be an absolute URL, got '${tokenUrl}'`, scope);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && network.allowPrivateNetworks)) {
    throw new ValidationError(prop, `must be https (client secrets and tokens travel in it); http only with allowPrivateNetworks, for local token servers. Got '${url.protocol}'`, scope);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError(prop, 'must not carry credentials: the client secret comes from clientSecret', scope);
  }
  const hosts = network.allowedHosts;
  if (hosts !== undefined && hosts.length > 0 && !hosts.some(h => (h.startsWith('*.') ? url.hostname.endsWith(h.slice(1)) : url.hostname === h.toLowerCase()))) {
    throw new ValidationError(prop, `the host ${url.hostname} is not in allowedHosts (${hosts.join(', ')}); the token endpoint goes through the same destination guard as the calls`, scope);
  }
}

/** Throws unless a template's `auth` names a profile. */
export function checkTemplateAuth(scope: IConstruct, prop: string, key: string, auth: string | undefined, profiles: readonly string[]): void {
  if (auth === undefined || profiles.includes(auth)) return;
  throw new ValidationError(`${prop}.auth`, `template ${key} names the authentication profile '${auth}', which \`auth\` does not define (profiles: ${profiles.length === 0 ? 'none' : profiles.join(', ')})`, scope);
}
