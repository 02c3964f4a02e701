// The OAuth2 token cache on a controlled clock: reuse until expires_in minus the margin, one
// request shared by concurrent callers, nothing cached on failure, the old token kept through a
// token endpoint outage while it has not really expired, and a refused token dropped only once.
import { TokenCache } from '../../lambda-src/renderer/auth/token-cache';
import { AuthenticationError, AuthenticationUnavailableError } from '../../lambda-src/renderer/errors';

let now = 0;
const clock = () => now;

function endpoint() {
  let issued = 0;
  const answers: Array<() => Promise<{ accessToken: string; lifetimeMs: number }>> = [];
  const fetch = jest.fn(() => (answers.shift() ?? (async () => ({ accessToken: `t${++issued}`, lifetimeMs: 3_600_000 })))());
  return { fetch, answers };
}

beforeEach(() => { now = 1_000_000; });

test('reused until expires_in minus a minute, then fetched once', async () => {
  const cache = new TokenCache(clock);
  const { fetch } = endpoint();
  expect(await cache.token('p', fetch)).toBe('t1');
  now += 3_600_000 - 60_001;
  expect(await cache.token('p', fetch)).toBe('t1');
  now += 2;
  expect(await cache.token('p', fetch)).toBe('t2');
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('a short lifetime keeps a tenth back', async () => {
  const cache = new TokenCache(clock);
  const fetch = jest.fn(async () => ({ accessToken: 'short', lifetimeMs: 10_000 }));
  await cache.token('p', fetch);
  now += 8_999;
  await cache.token('p', fetch);
  expect(fetch).toHaveBeenCalledTimes(1);
  now += 2;
  await cache.token('p', fetch);
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('concurrent callers share one request; profiles do not share tokens', async () => {
  const cache = new TokenCache(clock);
  const { fetch } = endpoint();
  const tokens = await Promise.all([cache.token('a', fetch), cache.token('a', fetch), cache.token('a', fetch), cache.token('b', fetch)]);
  expect(tokens).toEqual(['t1', 't1', 't1', 't2']);
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('a failure is not cached: the next call asks again', async () => {
  const cache = new TokenCache(clock);
  const { fetch, answers } = endpoint();
  answers.push(async () => { throw new AuthenticationError('rejected'); });
  await expect(cache.token('p', fetch)).rejects.toThrow('rejected');
  expect(await cache.token('p', fetch)).toBe('t1');
});

test('inside the margin, an unavailable token endpoint leaves the old token in use; after expiry it does not', async () => {
  const cache = new TokenCache(clock);
  const { fetch, answers } = endpoint();
  await cache.token('p', fetch);
  now += 3_600_000 - 30_000; // due for refresh, not expired
  answers.push(async () => { throw new AuthenticationUnavailableError('503'); });
  expect(await cache.token('p', fetch)).toBe('t1');
  now += 30_000; // expired
  answers.push(async () => { throw new AuthenticationUnavailableError('503'); });
  await expect(cache.token('p', fetch)).rejects.toThrow('503');
  // A rejection is final even inside the lifetime.
  const other = new TokenCache(clock);
  await other.token('p', fetch);
  now += 3_600_000 - 30_000;
  answers.push(async () => { throw new AuthenticationError('revoked client'); });
  await expect(other.token('p', fetch)).rejects.toThrow('revoked client');
});

test('invalidate drops the refused token only, not one fetched since', async () => {
  const cache = new TokenCache(clock);
  const { fetch } = endpoint();
  const first = await cache.token('p', fetch);
  cache.invalidate('p', first);
  const second = await cache.token('p', fetch);
  cache.invalidate('p', first); // a late 401 for the old token
  expect(await cache.token('p', fetch)).toBe(second);
  expect(fetch).toHaveBeenCalledTimes(2);
});
