import { createHash, timingSafeEqual } from 'node:crypto';

export type HandshakeResult =
  | { kind: 'verified'; challenge: string }
  | { kind: 'missing-params'; missing: string[] }
  | { kind: 'repeated-params'; repeated: string[] }
  | { kind: 'wrong-mode' }
  | { kind: 'wrong-token' };

const PARAMS = ['hub.mode', 'hub.verify_token', 'hub.challenge'] as const;

/**
 * Meta's subscription handshake: `hub.mode=subscribe` with our verify token gets the raw challenge
 * back. Reads the raw query string so a repeated parameter is refused, not silently comma-joined.
 */
export function answerHandshake(rawQueryString: string, verifyToken: string): HandshakeResult {
  const query = new URLSearchParams(rawQueryString);
  const repeated = PARAMS.filter((name) => query.getAll(name).length > 1);
  if (repeated.length > 0) return { kind: 'repeated-params', repeated };
  const missing = PARAMS.filter((name) => !query.get(name));
  if (missing.length > 0) return { kind: 'missing-params', missing };
  if (query.get('hub.mode') !== 'subscribe') return { kind: 'wrong-mode' };
  if (!sameSecret(query.get('hub.verify_token') ?? '', verifyToken)) return { kind: 'wrong-token' };
  return { kind: 'verified', challenge: query.get('hub.challenge') ?? '' };
}

/** Constant-time equality of two strings of any length (hashed to equal-length digests first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
