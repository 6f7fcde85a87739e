import { randomBytes } from 'node:crypto';
import { messagesWebhook, metaJson, type TextMessageSpec } from '../../devkit/meta/meta-json';
import type { LocalBot } from '../example-bot';
import { DEFAULT_REDELIVERY, MetaClient, type Redelivery } from './meta-client';
import { RunRecord } from './run-record';

/** Where and as whom the simulator plays Meta. */
export interface SimulationTarget {
  webhookUrl: string;
  appSecret: string;
  /** For the handshake scenario; unknown for a remote webhook unless given. */
  verifyToken: string | undefined;
  /** The local Graph sink's record; undefined when there is none to read. */
  sinkUrl: string | undefined;
  /** `metadata.phone_number_id`: the business number the webhooks are for. */
  phoneNumberId: string;
  /** The user who writes: `messages[].from`. */
  from: string;
  /** A local server's reply mode; queued replies reach the sink after the 200, so the simulator waits. */
  replyMode?: 'inline' | 'queued' | undefined;
  /** A local server's MARK_AS_READ / TYPING_INDICATOR (its session file); unknown elsewhere. */
  readReceipts?: { markAsRead: boolean; typingIndicator: boolean } | undefined;
  /** Which bot answers (a local server's session says); undefined is taken as the default bot. */
  bot?: LocalBot | undefined;
}

export type Message = TextMessageSpec & { id: string };

export const DEFAULT_PHONE_NUMBER_ID = '106540352242922';
export const DEFAULT_FROM = '16505551234';

/**
 * One simulator run: a client that signs and records, and unique wamids. Every id starts with the
 * run's prefix, so the sink's record can be filtered to this run even when a server has seen others.
 */
export class Simulation {
  readonly record = new RunRecord();
  readonly client: MetaClient;
  readonly prefix: string;
  private sequence = 0;

  constructor(
    readonly target: SimulationTarget,
    redelivery: Redelivery = DEFAULT_REDELIVERY,
    /** When the simulated user sends: webhooks carry it as `timestamp`, inside the 24-hour window. */
    private readonly now: () => number = Date.now,
  ) {
    this.client = new MetaClient(target.webhookUrl, target.appSecret, this.record, redelivery);
    this.prefix = `wamid.sim-${randomBytes(4).toString('hex')}-`;
  }

  /** A new inbound text message, declared in the record with whether the bot should answer it. */
  message(label: string, text: string, expectsReply = true): Message {
    const id = `${this.prefix}${label}-${++this.sequence}`;
    this.record.expect(id, expectsReply);
    return { id, from: this.target.from, text };
  }

  /** A `whatsapp_business_account` webhook carrying these messages, as an object. */
  webhook(...messages: TextMessageSpec[]) {
    return messagesWebhook(this.target.phoneNumberId, messages, this.now());
  }

  /** The webhook body for messages the user sent `ageSeconds` ago (Meta redelivers for days). */
  bodySentAgo(ageSeconds: number, ...messages: TextMessageSpec[]): string {
    return metaJson(messagesWebhook(this.target.phoneNumberId, messages, this.now() - ageSeconds * 1000));
  }

  /** The webhook body for these messages, serialised as Meta does (`\/`, `\uXXXX`). */
  body(...messages: TextMessageSpec[]): string {
    return metaJson(this.webhook(...messages));
  }
}
