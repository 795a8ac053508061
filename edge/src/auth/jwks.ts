import type { verifyWithJwks } from 'hono/jwt';

export type Jwk = NonNullable<Parameters<typeof verifyWithJwks>[1]['keys']>[number];

/** A fetched key set is used this long before it is fetched again, so a rotation is seen without a fetch per call. */
export const JWKS_TTL_MS = 5 * 60 * 1000;
/**
 * At most one fetch of a URL in this time, whatever asks for it (an unknown `kid`, an expired
 * set, a failed refresh): tokens naming made-up keys cannot make the edge hammer the identity
 * provider, and a provider that is down costs each request nothing once its keys are known.
 */
export const JWKS_REFETCH_INTERVAL_MS = 30 * 1000;

/** The key set could not be had at all: the identity provider's fault, not the caller's. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

interface CachedKeySet {
  /** The last key set fetched whole; kept while refreshes fail. */
  keys: Jwk[];
  fetchedAt: number;
  /** When a fetch last started, whether or not it worked: what the rate limit counts from. */
  attemptedAt: number;
}

const cache = new Map<string, CachedKeySet>();

/** The timeout's abort, which fetch rejects with (a DOMException, whose name is all there is to go by). */
const timedOut = (error: unknown) => {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
};

async function fetchKeySet(url: string, timeoutSeconds: number): Promise<Jwk[]> {
  const tooSlow = `JWKS_URL did not answer within ${timeoutSeconds} s (JWKS_FETCH_TIMEOUT_SECONDS)`;
  // The signal bounds the body too, so a provider that sends headers and then stalls is cut off.
  const signal = AbortSignal.timeout(timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (timedOut(error)) throw new JwksUnavailableError(tooSlow);
    throw new JwksUnavailableError(`JWKS_URL could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new JwksUnavailableError(`JWKS_URL answered HTTP ${response.status}`);
  }
  let body: { keys?: unknown };
  try {
    body = (await response.json()) as { keys?: unknown };
  } catch (error) {
    throw new JwksUnavailableError(timedOut(error) ? tooSlow : 'JWKS_URL did not return JSON');
  }
  if (!Array.isArray(body?.keys)) throw new JwksUnavailableError('JWKS_URL did not return a key set ({"keys": [...]})');
  return body.keys as Jwk[];
}

/**
 * The keys to verify a token whose header names `kid`, from JWKS_URL. A cached set is used
 * until it is five minutes old; a `kid` it lacks (the provider rotated its keys) sends for a
 * fresh set at once rather than when the cache runs out, and a refresh that fails keeps the
 * last good set in service. Either fetch is rate-limited to one per URL every 30 s. With no set
 * yet there is nothing to serve, so each request tries, bounded by the timeout.
 */
export async function jwksKeys(url: string, kid: string, options: { nowMs: number; timeoutSeconds: number }): Promise<Jwk[]> {
  const { nowMs, timeoutSeconds } = options;
  const cached = cache.get(url);
  if (!cached) {
    const keys = await fetchKeySet(url, timeoutSeconds);
    cache.set(url, { keys, fetchedAt: nowMs, attemptedAt: nowMs });
    return keys;
  }
  const wanted = !cached.keys.some((key) => key.kid === kid) || nowMs - cached.fetchedAt >= JWKS_TTL_MS;
  if (!wanted || nowMs - cached.attemptedAt < JWKS_REFETCH_INTERVAL_MS) return cached.keys;
  cached.attemptedAt = nowMs;
  try {
    const keys = await fetchKeySet(url, timeoutSeconds);
    cache.set(url, { keys, fetchedAt: nowMs, attemptedAt: nowMs });
    return keys;
  } catch (error) {
    // The set fetched last still verifies every token it verified a moment ago; an outage at the
    // identity provider should not sign everyone out.
    console.warn(`JWKS refresh failed, keeping the key set fetched ${Math.round((nowMs - cached.fetchedAt) / 1000)} s ago: ${String(error)}`);
    return cached.keys;
  }
}
