import type { ProtocolObserver, QueueObserver } from '../../lambda/domain/ports';

type Observer = ProtocolObserver & QueueObserver;
export type ObservedEvent = { event: keyof Observer; args: unknown[] };

/** A ProtocolObserver (and the worker's QueueObserver) that keeps every event, for assertions. */
export function recordingObserver(): Observer & { events: ObservedEvent[]; names(): string[] } {
  const events: ObservedEvent[] = [];
  const record =
    (event: keyof Observer) =>
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
    leaseTaken: record('leaseTaken'),
    leaseLost: record('leaseLost'),
    redriveScheduled: record('redriveScheduled'),
    redriveFailed: record('redriveFailed'),
    windowClosed: record('windowClosed'),
    staleComposed: record('staleComposed'),
    readReceipt: record('readReceipt'),
    triggerRejected: record('triggerRejected'),
  };
}
