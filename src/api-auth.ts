import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApiAuthKind, ClientCredentialsMethod } from './contract';

/**
 * Where a credential comes from: a Secrets Manager secret, whole or one field of a JSON secret.
 * The renderer reads it when a call first needs it and caches it like `secrets`; the value never
 * enters the function's environment, the execution or the logs.
 */
export class AuthSecret {
  /** The secret's whole string value. */
  public static fromSecret(secret: secretsmanager.ISecret): AuthSecret {
    return new AuthSecret(secret, undefined);
  }

  /** One field of a JSON secret (`{"clientSecret": "..."}` → `clientSecret`). */
  public static fromJsonField(secret: secretsmanager.ISecret, field: string): AuthSecret {
    return new AuthSecret(secret, field);
  }

  /** The secret. */
  public readonly secret: secretsmanager.ISecret;
  /**
   * The JSON field read from it.
   *
   * @default - the whole value
   */
  public readonly jsonField?: string;

  private constructor(secret: secretsmanager.ISecret, jsonField: string | undefined) {
    this.secret = secret;
    this.jsonField = jsonField;
  }
}

/**
 * Settings of an OAuth 2.0 client credentials profile.
 */
export interface OAuth2ClientCredentialsProps {
  /** The token endpoint: `https`, or `http` only with `allowPrivateNetworks` (local token servers). */
  readonly tokenUrl: string;
  /** The client id (not a secret). */
  readonly clientId: string;
  /** The client secret. */
  readonly clientSecret: AuthSecret;
  /**
   * Scopes requested (`scope`, space-separated).
   *
   * @default - none: the server's default scopes
   */
  readonly scopes?: string[];
  /**
   * The `audience` parameter some servers (Auth0, Okta) require.
   *
   * @default - none
   */
  readonly audience?: string;
  /**
   * More form parameters of the token request (not `grant_type`, `client_id`, `client_secret`,
   * `scope` or `audience`).
   *
   * @default - none
   */
  readonly extraParameters?: Record<string, string>;
  /**
   * How the client's credentials reach the token endpoint.
   *
   * @default ClientCredentialsMethod.BASIC_HEADER
   */
  readonly sendCredentials?: ClientCredentialsMethod;
}

/**
 * Settings of an HTTP Basic profile.
 */
export interface BasicAuthProps {
  /** The user name (not a secret). */
  readonly username: string;
  /** The password. */
  readonly password: AuthSecret;
}

/**
 * Settings of a static bearer token profile.
 */
export interface BearerAuthProps {
  /** The token, sent as `Authorization: Bearer <token>`. */
  readonly token: AuthSecret;
}

/**
 * Settings of an API key profile. Give `header` or `queryParameter`, not both.
 */
export interface ApiKeyAuthProps {
  /** The key. */
  readonly value: AuthSecret;
  /**
   * The request header carrying the key.
   *
   * @default 'X-Api-Key' (when `queryParameter` is not given)
   */
  readonly header?: string;
  /**
   * The query parameter carrying the key, instead of a header.
   *
   * @default - a header
   */
  readonly queryParameter?: string;
}

/**
 * Settings of an AWS Signature Version 4 profile.
 */
export interface AwsSigV4AuthProps {
  /** The signing name of the service: `execute-api` (API Gateway), `lambda` (function URLs), ... */
  readonly service: string;
  /**
   * The region the request is signed for.
   *
   * @default - the renderer function's region
   */
  readonly region?: string;
}

/**
 * How the renderer authenticates the calls of the templates naming this profile
 * (`TemplatedApiCallerProps.auth`, a template's `auth` field). Secrets are read by the renderer
 * from Secrets Manager: only their ARNs reach its environment.
 *
 * @example
 * ApiAuth.oauth2ClientCredentials({
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: 'billing-client',
 *   clientSecret: AuthSecret.fromJsonField(secret, 'clientSecret'),
 *   scopes: ['invoices:read'],
 * });
 */
export class ApiAuth {
  /**
   * OAuth 2.0 client credentials (RFC 6749, section 4.4): the renderer requests a token with
   * `grant_type=client_credentials`, caches it per profile until `expires_in` minus a margin,
   * shares one token request among concurrent calls, and on a 401 from the API fetches a new
   * token once and retries the call once.
   */
  public static oauth2ClientCredentials(props: OAuth2ClientCredentialsProps): ApiAuth {
    return new ApiAuth(ApiAuthKind.OAUTH2_CLIENT_CREDENTIALS, props, [props.clientSecret]);
  }

  /** HTTP Basic: `Authorization: Basic base64(username:password)`. */
  public static basic(props: BasicAuthProps): ApiAuth {
    return new ApiAuth(ApiAuthKind.BASIC, props, [props.password]);
  }

  /** A static bearer token: `Authorization: Bearer <token>`. */
  public static bearer(props: BearerAuthProps): ApiAuth {
    return new ApiAuth(ApiAuthKind.BEARER, props, [props.token]);
  }

  /** An API key in a header (`X-Api-Key` by default) or a query parameter. */
  public static apiKey(props: ApiKeyAuthProps): ApiAuth {
    return new ApiAuth(ApiAuthKind.API_KEY, props, [props.value]);
  }

  /**
   * AWS Signature Version 4 with the renderer function's own credentials, for API Gateway IAM
   * authorization, Lambda function URLs and other AWS endpoints. Grant the permission the
   * endpoint needs on `TemplatedApiCaller.rendererFunction` (e.g. `execute-api:Invoke`).
   */
  public static awsSigV4(props: AwsSigV4AuthProps): ApiAuth {
    return new ApiAuth(ApiAuthKind.AWS_SIGV4, props, []);
  }

  /** What kind of profile this is. */
  public readonly kind: ApiAuthKind;
  /** @internal the factory's props, as given */
  public readonly _props: unknown;
  /** @internal the secrets the renderer reads for this profile */
  public readonly _secrets: AuthSecret[];

  private constructor(kind: ApiAuthKind, props: unknown, secrets: AuthSecret[]) {
    this.kind = kind;
    this._props = props;
    this._secrets = secrets;
  }
}
