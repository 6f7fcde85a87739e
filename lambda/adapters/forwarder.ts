import { SIGNATURE_HEADER } from '../http/signature';

export type ForwardResult = { ok: true } | { ok: false; detail: string };

const FORWARD_TIMEOUT_MS = 3_000;

/**
 * The old system's forwarding, kept: the original raw body and its original Meta signature, POSTed
 * as received so the receiver can verify it with the same app secret.
 */
export function forwarder(url: string, fetchImpl: typeof globalThis.fetch = globalThis.fetch) {
  return async (rawBody: Buffer, signature: string | undefined): Promise<ForwardResult> => {
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { [SIGNATURE_HEADER]: signature } : {}),
        },
        body: rawBody,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? { ok: true } : { ok: false, detail: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.name : 'unknown error' };
    }
  };
}

export type Forwarder = ReturnType<typeof forwarder>;
