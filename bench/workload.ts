import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CopyPlan, type CopyShape, planCopies } from '../devkit/meta/copies';
import { type MetaMessage, webhookBody } from '../devkit/meta/webhook-body';
import { seededRandom } from '../devkit/random';
import { signedPost } from '../devkit/webhook-events';

export interface MessagePlan {
  index: number;
  wamid: string;
  message: MetaMessage;
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
/**
 * Each message is delivered 1-4 times (uniform), each extra copy at once, a little later (possibly
 * while the first is still running) or after the first was answered.
 */
export const BENCH_COPIES: CopyShape = {
  deliveries: [1, 2, 3, 4],
  timings: ['simultaneous', 'delayed', 'after-first-answer'],
  delayedMs: [10, 150],
  afterFirstAnswerMs: [0, 100],
};
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
 * Every body of a run carries the run's start as its timestamp, so every target and round hashes the
 * same kind of bytes, and queued mode's worker finds each message inside the 24 h reply window (a
 * fixed date would end every queued message `window-closed`).
 */
const TIMESTAMP = Math.floor(Date.now() / 1_000);

/**
 * Meta-style deliveries through the devkit's copy model, one message per webhook, as Meta mostly
 * sends them; one in ten is an image. Arrivals are Poisson around the configured rate.
 */
export function planMessages(shape: WorkloadShape, label: string, appSecret: string): MessagePlan[] {
  const random = seededRandom(shape.seed);
  const plans: MessagePlan[] = [];
  let arrival = 0;
  for (let index = shape.firstIndex; index < shape.firstIndex + shape.messages; index++) {
    const wamid = `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ${label}${String(index).padStart(5, '0')}`;
    const copies = planCopies(random, BENCH_COPIES);
    const message: MetaMessage = {
      tenantId: PHONE_NUMBER_ID,
      id: wamid,
      from: '16505551234',
      type: random.chance(0.1) ? 'image' : 'text',
      text: random.pick(TEXTS),
      expectsReply: true,
    };
    const body = webhookBody([{ kind: 'message', message, copy: 0 }], TIMESTAMP);
    plans.push({ index, wamid, message, event: signedPost(body, appSecret), arrivalMs: arrival, copies });
    arrival += (-Math.log(1 - random.next()) * 1_000) / shape.arrivalsPerSecond;
  }
  return plans;
}

/** Deliveries the plans make before any redelivery (1 + copies each). */
export const plannedDeliveries = (plans: MessagePlan[]): number =>
  plans.reduce((sum, plan) => sum + 1 + plan.copies.length, 0);
