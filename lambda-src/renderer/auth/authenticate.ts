// A call under an authentication profile: the credentials a template's `auth` names are added to
// the rendered request (replacing a template header of the same name), every secret and token
// is handed to the call's Redactor before it can reach a log line or error, and an OAuth2 token
// the API refuses (401) is dropped, fetched again once and the call retried once. Loaded by the
// handler only for templates with `auth`: a call without it costs nothing here.
import { requestToken } from './oauth2';
import { authProfile, type AuthProfile, type OAuth2Profile, type SecretRef } from './profiles';
import { signedHeaders } from './sigv4';
import { TokenCache } from './token-cache';
import { ApiAuthKind } from '../../../src/contract';
import type { RendererConfig } from '../config';
import { AuthenticationError } from '../errors';
import { sendRequest, type HttpRequest, type HttpResponse } from '../http-client';
import { secretByArn } from '../secrets';

type AuthRequest = HttpRequest;

export interface AuthenticatedCall {
  /** The profile the template names. */
  readonly profile: string;
  /** The request as the handler would send it (its timeout also bounds a token request). */
  readonly request: HttpRequest;
  readonly config: RendererConfig;
  /** Adds values to the call's Redactor. */
  readonly redact: (values: readonly string[]) => void;
}

/** Sends requests (the call, and the pages of a paginated one) under the profile `profile`. */
export function authenticatedSender(
  profile: string, config: RendererConfig, redact: (values: readonly string[]) => void,
): (request: HttpRequest) => Promise<HttpResponse> {
  return (request) => sendAuthenticated({ profile, request, config, redact });
}

/** Tokens of this execution environment, by profile. */
export const tokens = new TokenCache();

export async function sendAuthenticated(call: AuthenticatedCall): Promise<HttpResponse> {
  const profile = authProfile(call.profile, call.config);
  if (profile.kind !== ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS) {
    return sendRequest(await authenticated(call, profile));
  }
  const key = `${call.profile}\n${profile.tokenUrl}\n${profile.clientId}`;
  // The client secret is read only when a token is requested: a cached token needs none.
  const fetchToken = async () => requestToken(profile, await secretValue(profile.clientSecret, `auth.${call.profile}.clientSecret`, call), call.config, call.request.timeoutMs);
  const token = () => tokens.token(key, fetchToken)
    .then((accessToken) => {
      call.redact([accessToken]);
      return accessToken;
    });
  const first = await token();
  const response = await sendRequest(withHeader(call.request, 'authorization', `Bearer ${first}`));
  if (response.statusCode !== 401) return response;
  // The token may have been revoked or rotated early: one new token, one more try. A second
  // 401 is the API's answer (ApiCallFailed), not a reason to loop.
  tokens.invalidate(key, first);
  const second = await token();
  return sendRequest(withHeader(call.request, 'authorization', `Bearer ${second}`));
}

async function authenticated(call: AuthenticatedCall, profile: Exclude<AuthProfile, OAuth2Profile>): Promise<AuthRequest> {
  const label = `auth.${call.profile}`;
  switch (profile.kind) {
    case ApiAuthKind.BASIC: {
      const password = await secretValue(profile.password, `${label}.password`, call);
      const credentials = Buffer.from(`${profile.username}:${password}`, 'utf8').toString('base64');
      call.redact([credentials]);
      return withHeader(call.request, 'authorization', `Basic ${credentials}`);
    }
    case ApiAuthKind.BEARER:
      return withHeader(call.request, 'authorization', `Bearer ${await secretValue(profile.token, `${label}.token`, call)}`);
    case ApiAuthKind.API_KEY: {
      const value = await secretValue(profile.value, `${label}.value`, call);
      if (profile.queryParameter !== undefined) {
        const url = new URL(call.request.url);
        url.searchParams.set(profile.queryParameter, value);
        return { ...call.request, url };
      }
      return withHeader(call.request, profile.header ?? 'X-Api-Key', value);
    }
    case ApiAuthKind.AWS_SIGV4: {
      const sessionToken = process.env.AWS_SESSION_TOKEN;
      if (sessionToken) call.redact([sessionToken]);
      return { ...call.request, headers: await signedHeaders(call.request, profile) };
    }
  }
}

/** The secret (or its JSON field) as text; every form of it joins the Redactor first. */
async function secretValue(ref: SecretRef, label: string, call: AuthenticatedCall): Promise<string> {
  const secret = await secretByArn(ref.arn, label, call.config);
  call.redact(secret.redact);
  const value = ref.field === undefined ? secret.value : (secret.value as Record<string, unknown> | string)?.[ref.field as never];
  if (ref.field !== undefined && (typeof secret.value !== 'object' || value === undefined)) {
    throw new AuthenticationError(`${label}: the secret has no JSON field ${ref.field}`);
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value === '') {
    throw new AuthenticationError(`${label}: the secret${ref.field === undefined ? '' : `'s field ${ref.field}`} is not a non-empty string`);
  }
  if (/[\r\n\0]/.test(value)) throw new AuthenticationError(`${label}: the secret contains a line break or NUL`);
  return value;
}

/** The request with one header set, replacing any of the same name (case-insensitive). */
function withHeader(request: AuthRequest, name: string, value: string): AuthRequest {
  const headers = Object.create(null) as Record<string, string>;
  const lower = name.toLowerCase();
  for (const [key, existing] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== lower) headers[key] = existing;
  }
  headers[name] = value;
  return { ...request, headers };
}
