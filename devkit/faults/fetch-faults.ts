import { decodeCallbackData, type PartOf } from '../../lambda/domain/callback-data';
import { currentInvocation, type Invocation, never, throughPort } from '../lambda-host/invocation-scope';

/** One Graph call as the reply sender makes it, read from its body. */
export interface GraphCall {
  tenantId: string | undefined;
  /** The inbound wamid the reply quotes. */
  messageId: string | undefined;
  /** The claim attempt, from `biz_opaque_callback_data`. */
  attempt: number | undefined;
  /** Which part of a multi-part answer; absent for a single part (or no callback data). */
  part?: PartOf;
}

/**
 * die-before-send - the invocation dies after its claim, before the request leaves.
 * stall-before-send - the request is held before it leaves until `until` resolves (a zombie's port);
 *   like any real fetch it gives up when its abort signal fires first, and then nothing is sent.
 */
export type FetchFault =
  | { kind: 'die-before-send' }
  | { kind: 'stall-before-send'; until: () => Promise<void> };

export type FetchEvent = 'answered' | 'failed' | 'died';

export interface FetchFaultOptions {
  decide?: (call: GraphCall, invocation: Invocation | undefined) => FetchFault | undefined;
  /** Whether the caller got an HTTP answer, a transport failure (timeout, abort), or died first. */
  observe?: (call: GraphCall, event: FetchEvent) => void;
}

/** A fetch for `buildApp` that injects Lambda faults at the Graph call and stops stopped invocations. */
export function faultyFetch(options: FetchFaultOptions, base: typeof fetch = fetch): typeof fetch {
  return (input, init) =>
    throughPort(async () => {
      const call = describeGraphCall(init?.body);
      const invocation = currentInvocation();
      const fault = options.decide?.(call, invocation);
      if (fault?.kind === 'die-before-send') {
        options.observe?.(call, 'died');
        invocation?.die();
        return never();
      }
      try {
        if (fault?.kind === 'stall-before-send') await stall(fault.until(), init?.signal ?? undefined);
        const response = await base(input, init);
        options.observe?.(call, 'answered');
        return response;
      } catch (error) {
        options.observe?.(call, 'failed');
        throw error;
      }
    });
}

/** Waits for `until`, or throws the signal's reason as fetch does when it is aborted first. */
function stall(until: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return until;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    until.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

export function describeGraphCall(body: unknown): GraphCall {
  let parsed: unknown;
  try {
    parsed = typeof body === 'string' ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const callback = decodeCallbackData(
    typeof record.biz_opaque_callback_data === 'string' ? record.biz_opaque_callback_data : undefined,
  );
  return {
    tenantId: callback?.key.tenantId,
    messageId: callback?.key.messageId,
    attempt: callback?.attempt,
    ...(callback?.part === undefined ? {} : { part: callback.part }),
  };
}
