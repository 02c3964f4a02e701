// OAuth2 access tokens, kept for the life of the execution environment (the Lambda instance):
// one token per profile, reused until `expires_in` minus a safety margin, one token request at a
// time shared by every concurrent invocation. A failed request is never cached: the next call
// asks again, and while the last token has not really expired a transient failure keeps it.
import { AuthenticationUnavailableError } from '../errors';

export interface FetchedToken {
  readonly accessToken: string;
  /** Lifetime the server gave (`expires_in`), in milliseconds. */
  readonly lifetimeMs: number;
}

interface CachedToken {
  readonly accessToken: string;
  /** From here on a new token is fetched before use. */
  readonly refreshAt: number;
  /** The server's own expiry: the token is not used after it. */
  readonly expiresAt: number;
}

/** Kept back from a token's lifetime: at most a minute, a tenth of short lifetimes. */
const MAX_MARGIN_MS = 60_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  /** Token requests started so far (tests, logs). */
  public fetches = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A usable token for `key`, fetching one when none is cached or it is due for refresh. */
  async token(key: string, fetch: () => Promise<FetchedToken>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached !== undefined && this.now() < cached.refreshAt) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      this.fetches++;
      const started = this.now();
      pending = fetch()
        .then(({ accessToken, lifetimeMs }) => {
          const margin = Math.min(MAX_MARGIN_MS, lifetimeMs / 10);
          const fresh = { accessToken, refreshAt: started + lifetimeMs - margin, expiresAt: started + lifetimeMs };
          this.tokens.set(key, fresh);
          return fresh;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    try {
      return (await pending).accessToken;
    } catch (error) {
      // Inside the margin the old token still works: an outage of the token endpoint does not
      // de-authorize every caller at once.
      const still = this.tokens.get(key);
      if (error instanceof AuthenticationUnavailableError && still !== undefined && this.now() < still.expiresAt) {
        return still.accessToken;
      }
      throw error;
    }
  }

  /** Forgets `accessToken` (the API refused it); a newer token fetched meanwhile stays. */
  invalidate(key: string, accessToken: string): void {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
    this.inFlight.clear();
    this.fetches = 0;
  }
}
