import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

/**
 * Checks Meta's `X-Hub-Signature-256` over the raw body bytes exactly as received: re-serialised JSON
 * loses Meta's `\/` and `\u00e9`-style escapes and would not verify. Never throws; compares in constant time.
 */
export function checkSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  if (!header.startsWith(PREFIX)) return 'malformed';
  const hex = header.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) return 'malformed';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex')) ? 'valid' : 'mismatch';
}

/** The header value Meta would send for these bytes (tests, the simulator, sample events). */
export function signatureFor(rawBody: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}
