import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { messagesWebhook, metaJson, type TextMessageSpec } from '../devkit/meta/meta-json';
import { seededRandom } from '../devkit/random';
import { signedPost } from '../devkit/webhook-events';

/** How a copy of a message reaches the handler, relative to its first delivery. */
export type CopyKind = 'simultaneous' | 'delayed' | 'after-completion';
export type DeliveryKind = 'first' | CopyKind | 'redelivery';

export interface CopyPlan {
  kind: CopyKind;
  /** delayed: after the first delivery started; after-completion: after it was answered. */
  afterMs: number;
}

export interface MessagePlan {
  index: number;
  wamid: string;
  /** The signed API Gateway event; every delivery of the message carries the same bytes. */
  event: APIGatewayProxyEventV2;
  /** When the first delivery arrives, from the start of the run (storm phase). */
  arrivalMs: number;
  copies: CopyPlan[];
}

export interface WorkloadShape {
  messages: number;
  /** First deliveries per second in the storm phase. */
  arrivalsPerSecond: number;
  /** Seeds the generator: every target gets the same shape, only the wamids differ. */
  seed: number;
  /** The index of the first message, so that indexes stay unique across rounds. */
  firstIndex: number;
}

export const PHONE_NUMBER_ID = '106540352242922';
const COPY_KINDS: readonly CopyKind[] = ['simultaneous', 'delayed', 'after-completion'];
const DELAYED_MS = [10, 150] as const;
const AFTER_COMPLETION_MS = [0, 100] as const;
const TEXTS = [
  'hi',
  'test',
  'Hello',
  'What are your opening hours?',
  'Can I change the delivery address of order #4521?',
  'Merci beaucoup 🙏 à demain',
  'Is the 2/3 discount still valid? https://example.com/deal',
];

/**
 * Meta-style deliveries: each message is delivered 1-4 times (uniform), each extra copy at once,
 * a little later (possibly while the first is still running) or after the first was answered.
 * One message per webhook, as Meta mostly sends them; one in ten is an image.
 */
export function planMessages(shape: WorkloadShape, label: string, appSecret: string): MessagePlan[] {
  const random = seededRandom(shape.seed);
  const between = ([low, high]: readonly [number, number]) => random.between(low, high);
  const plans: MessagePlan[] = [];
  let arrival = 0;
  for (let index = shape.firstIndex; index < shape.firstIndex + shape.messages; index++) {
    const wamid = `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ${label}${String(index).padStart(5, '0')}`;
    const copies = Array.from({ length: Math.floor(random.next() * 4) }, (): CopyPlan => {
      const kind = COPY_KINDS[Math.floor(random.next() * COPY_KINDS.length)] ?? 'simultaneous';
      const afterMs =
        kind === 'delayed'
          ? between(DELAYED_MS)
          : kind === 'after-completion'
            ? between(AFTER_COMPLETION_MS)
            : 0;
      return { kind, afterMs };
    });
    const spec: TextMessageSpec =
      random.next() < 0.1
        ? {
            id: wamid,
            type: 'image',
            extra: { image: { mime_type: 'image/jpeg', id: `${index}`, sha256: 'x' } },
          }
        : { id: wamid, text: TEXTS[Math.floor(random.next() * TEXTS.length)] ?? 'hi' };
    plans.push({
      index,
      wamid,
      event: signedPost(metaJson(messagesWebhook(PHONE_NUMBER_ID, [spec])), appSecret),
      arrivalMs: arrival,
      copies,
    });
    // Poisson arrivals around the configured rate.
    arrival += (-Math.log(1 - random.next()) * 1_000) / shape.arrivalsPerSecond;
  }
  return plans;
}

/** Deliveries the plans make before any redelivery (1 + copies each). */
export const plannedDeliveries = (plans: MessagePlan[]): number =>
  plans.reduce((sum, plan) => sum + 1 + plan.copies.length, 0);
