import type { ProtocolObserver } from '../../lambda/domain/ports';

export type ObservedEvent = { event: keyof ProtocolObserver; args: unknown[] };

/** A ProtocolObserver that keeps every event, for assertions on what the use case reported. */
export function recordingObserver(): ProtocolObserver & { events: ObservedEvent[]; names(): string[] } {
  const events: ObservedEvent[] = [];
  const record =
    (event: keyof ProtocolObserver) =>
    (...args: unknown[]) => {
      events.push({ event, args });
    };
  return {
    events,
    names: () => events.map((e) => e.event),
    claimed: record('claimed'),
    duplicate: record('duplicate'),
    inFlightWaitEnded: record('inFlightWaitEnded'),
    replySent: record('replySent'),
    replyFailed: record('replyFailed'),
    settleWrite: record('settleWrite'),
    storeError: record('storeError'),
    skipped: record('skipped'),
    statusReconciled: record('statusReconciled'),
    doubleReply: record('doubleReply'),
    asyncReplyFailure: record('asyncReplyFailure'),
    valueError: record('valueError'),
  };
}
