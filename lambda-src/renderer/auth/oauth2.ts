// The OAuth 2.0 client credentials token request (RFC 6749, 4.4), through the renderer's own
// HTTP client: same destination guard, timeout and response size cap as the API call. Errors
// name the token endpoint's host and status (and the OAuth error code), never a secret or token.
import type { OAuth2Profile } from './profiles';
import type { FetchedToken } from './token-cache';
import { ClientCredentialsMethod } from '../../../src/contract';
import type { RendererConfig } from '../config';
import { assertAllowedHost } from '../destination-guard';
import {
  ApiConnectionError, ApiTimeoutError, AuthenticationError, AuthenticationUnavailableError, ResponseTooLargeError,
} from '../errors';
import { sendRequest } from '../http-client';

/** Used when the server gives no `expires_in` (RFC 6749 only recommends it); a 401 drops it sooner. */
export const DEFAULT_TOKEN_LIFETIME_MS = 5 * 60_000;
/** Statuses after which asking again later may succeed. */
const TRANSIENT = (status: number) => status === 429 || status >= 500;
/** RFC 6749 error codes are printable ASCII; anything else is not repeated in a message. */
const ERROR_CODE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export async function requestToken(profile: OAuth2Profile, clientSecret: string, config: RendererConfig, timeoutMs: number): Promise<FetchedToken> {
  const url = tokenUrl(profile.tokenUrl, config);
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (profile.scopes !== undefined && profile.scopes.length > 0) form.set('scope', profile.scopes.join(' '));
  if (profile.audience !== undefined) form.set('audience', profile.audience);
  for (const [key, value] of Object.entries(profile.extraParameters ?? {})) form.set(key, value);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'accept': 'application/json',
  };
  if (profile.sendCredentials === ClientCredentialsMethod.REQUEST_BODY) {
    form.set('client_id', profile.clientId);
    form.set('client_secret', clientSecret);
  } else {
    // RFC 6749 2.3.1: both form-encoded before they are joined and base64-encoded.
    const pair = `${formEncode(profile.clientId)}:${formEncode(clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  const where = `the token endpoint ${url.host}`;
  let response;
  try {
    response = await sendRequest({ method: 'POST', url, headers, body: form.toString(), timeoutMs, maxResponseBytes: config.maxResponseBytes });
  } catch (error) {
    if (error instanceof ApiTimeoutError || error instanceof ApiConnectionError) {
      throw new AuthenticationUnavailableError(`${where} could not be reached: ${error.message}`);
    }
    if (error instanceof ResponseTooLargeError) {
      throw new AuthenticationError(`${where} answered more than ${error.limitBytes} bytes`);
    }
    throw error; // BlockedDestinationError, InvalidTemplateError: the setting is wrong
  }
  const body = parseJson(response.body.toString('utf8'));
  if (response.statusCode < 200 || response.statusCode > 299) {
    const code = typeof body?.error === 'string' && ERROR_CODE.test(body.error) ? ` (${body.error})` : '';
    const message = `${where} answered ${response.statusCode}${code}`;
    throw TRANSIENT(response.statusCode) ? new AuthenticationUnavailableError(message) : new AuthenticationError(message);
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '' || /[\r\n\0]/.test(accessToken)) {
    throw new AuthenticationError(`${where} answered ${response.statusCode} without a usable access_token`);
  }
  const type = body?.token_type;
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer') {
    throw new AuthenticationError(`${where} issued a token of type ${ERROR_CODE.test(type) ? type : 'other than Bearer'}; only Bearer tokens are supported`);
  }
  const expiresIn = Number(body?.expires_in);
  return { accessToken, lifetimeMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS };
}

function tokenUrl(text: string, config: RendererConfig): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthenticationError('the profile\'s tokenUrl is not an absolute URL');
  }
  // The client secret and the token travel here: plain http only where private networks are
  // allowed (local token servers in tests and local runs).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.allowPrivateNetworks)) {
    throw new AuthenticationError(`the token endpoint ${url.host} must be https`);
  }
  assertAllowedHost(url.hostname.replace(/^\[(.*)\]$/, '$1'), config);
  return url;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
