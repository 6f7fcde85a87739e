import { defaultBot } from '../../../lambda/bots/default-bot';
import { parseConfig } from '../../../lambda/config/config';
import type { InboundContent } from '../../../lambda/domain/bot';
import { type InboundMessage, textOf, typeOf } from '../../../lambda/domain/messages';
import { ownerPace } from '../../../lambda/domain/owner-pace';
import type {
  AnswerDeps,
  OutboundReply,
  ReadReceipt,
  ReadReceiptResult,
  SendResult,
} from '../../../lambda/domain/ports';
import type { ProtocolTuning } from '../../../lambda/domain/tuning';
import { FakeClock } from '../../support/fake-clock';
import { InMemoryClaimStore } from '../../support/in-memory-claim-store';
import { recordingObserver } from '../../support/recording-observer';

/** The shipped defaults: the use case is tested with the values users run. */
export const TUNING: ProtocolTuning = parseConfig({
  TABLE_NAME: 'claims',
  WHATSAPP_SECRET_ID: 'unused',
}).protocol;

/**
 * A message as the webhook walk makes it. Overriding `type` and `text` alone yields the content
 * they imply (a text, or `other` of that type), so tests that predate typed content keep meaning.
 */
export const message = (id = 'wamid.A', overrides: Partial<InboundMessage> = {}): InboundMessage => {
  const type = overrides.type ?? 'text';
  const text = 'text' in overrides ? overrides.text : 'test';
  const content: InboundContent =
    overrides.content ??
    (type === 'text' && text !== undefined
      ? { type: 'text', body: text }
      : { type: 'other', originalType: type });
  return {
    key: { tenantId: '106540352242922', messageId: id },
    replyTo: '16505551234',
    user: { phone: '16505551234' },
    ...overrides,
    type: typeOf(content),
    text: textOf(content),
    content,
  };
};

/** Fake ports around the real use case: a Map store, a manual clock, a scripted Graph sender. */
export function useCaseFixture(tuning: Partial<ProtocolTuning> = {}) {
  const clock = new FakeClock();
  const claims = new InMemoryClaimStore();
  const observer = recordingObserver();
  const sent: OutboundReply[] = [];
  const script: SendResult[] = [];
  const receipts: ReadReceipt[] = [];
  let receiptResult: ReadReceiptResult = 'ok';
  let owners = 0;
  let onSend: ((reply: OutboundReply) => Promise<void> | void) | undefined;
  const deps: AnswerDeps = {
    claims,
    clock,
    observer,
    bot: defaultBot,
    newOwner: () => `owner-${++owners}`,
    pace: ownerPace(),
    tuning: { ...TUNING, ...tuning },
    replies: {
      async send(reply) {
        sent.push(reply);
        await onSend?.(reply);
        return script.shift() ?? { kind: 'sent', outboundId: `wamid.out-${sent.length}` };
      },
      async markRead(receipt) {
        receipts.push(receipt);
        return receiptResult;
      },
    },
  };
  return {
    deps,
    clock,
    claims,
    observer,
    sent,
    receipts,
    failReceipts: () => {
      receiptResult = 'failed';
    },
    /** Results for the next sends, in order; afterwards every send succeeds. */
    scriptSends: (...results: SendResult[]) => script.push(...results),
    onSend: (hook: typeof onSend) => {
      onSend = hook;
    },
    deadline: (remainingMs = 20_000) => clock.now() + remainingMs,
  };
}
