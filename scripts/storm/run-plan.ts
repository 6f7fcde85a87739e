import { loadavg } from 'node:os';
import type { ProtocolMutant } from '../../devkit/faults/protocol-mutants';
import { type CopyShape, planCopies, scheduleMessage } from '../../devkit/meta/copies';
import { META_DEFAULTS } from '../../devkit/meta/delivery-policy';
import { MetaDelivery } from '../../devkit/meta/meta-delivery';
import { metaJson } from '../../devkit/meta/meta-json';
import { scheduleStatuses } from '../../devkit/meta/status-webhooks';
import { type MetaMessage, webhookBody } from '../../devkit/meta/webhook-body';
import { type Random, seededRandom } from '../../devkit/random';
import { decodeCallbackData } from '../../lambda/domain/callback-data';
import { recordKey } from '../../lambda/domain/messages';
import { isRecord } from '../../lambda/json-object';
import { isPermanent, isWindowClosed } from './faults';
import { type PlanFigures, planFigures } from './figures';
import type { FaultPlan, ReplyMode } from './plans';
import { STORM_TIMING, type StormTiming, startStormApp } from './storm-app';
import { scaledTiming } from './storm-parts';

export interface StormOptions {
  endpoint: string;
  /** The reply mode under test (default inline). */
  mode?: ReplyMode;
  /** A deliberately broken protocol: the plan must then show duplicates. */
  mutant?: ProtocolMutant;
  messages: number;
  seed: number;
  /** First copies arrive spread over messages x this many ms. */
  arrivalGapMs?: number;
  timing?: StormTiming;
  /** The plan gives up (and says so) after this long. */
  timeoutMs?: number;
  /** Multiplies every storm duration: invocation time, leases, graces, slow answers, late statuses. */
  timeScale?: number;
}

const TENANTS = ['106540352242922', '107655329872345'];
/** Meta's statuses after an accepted reply; a plan may make `sent` late. */
const STATUS_SHAPE = {
  sentAfterMs: [20, 150],
  deliveredChance: 0.5,
  deliveredAfterSentMs: [50, 300],
} as const;
/** Each message arrives 1-4 times (most once): a further copy at once, a little later, or after the first answer. */
const COPY_SHAPE: CopyShape = {
  deliveries: [1, 1, 1, 1, 2, 2, 2, 3, 3, 4],
  timings: ['simultaneous', 'delayed', 'after-first-answer'],
  delayedMs: [100, 4_000],
  afterFirstAnswerMs: [0, 500],
};

/** Drives one fault plan: Meta's traffic through the faulty app, then the figures. */
export async function runPlan(
  plan: FaultPlan,
  options: StormOptions,
): Promise<PlanFigures & { load: [number, number] }> {
  const random = seededRandom(options.seed);
  const messages = stormMessages(options.messages, random);
  const scale = options.timeScale ?? 1;
  const lateStatus = plan.statusDelayMs?.map((ms) => ms * scale) as [number, number] | undefined;
  const statusShape = { ...STATUS_SHAPE, sentAfterMs: lateStatus ?? STATUS_SHAPE.sentAfterMs };
  const windowClosed = new Set(
    messages.filter((m) => isWindowClosed({ plan, seed: options.seed }, m.id)).map((m) => m.id),
  );
  let meta: MetaDelivery | undefined;
  const app = await startStormApp({
    endpoint: options.endpoint,
    plan,
    seed: options.seed,
    random,
    mode: options.mode ?? 'inline',
    windowClosed,
    ...(options.mutant ? { mutant: options.mutant } : {}),
    timing: scaledTiming(options.timing ?? STORM_TIMING, scale),
    timeScale: scale,
    // Meta's status webhooks for every reply Graph accepted, echoing biz_opaque_callback_data.
    onAccepted: (request, outboundId) => {
      if (meta === undefined) return;
      const reply = {
        tenantId: request.phoneNumberId,
        outboundId,
        callbackData: request.callbackData,
        recipient: typeof request.body.to === 'string' ? request.body.to : '',
      };
      const delay = scheduleStatuses(meta, reply, random, statusShape);
      const origin = decodeCallbackData(request.callbackData);
      app.ledger.trace(origin && recordKey(origin.key), `status sent scheduled in ${delay} ms`);
    },
  });
  meta = new MetaDelivery(
    (post) =>
      app.invoke(withClosedWindows(webhookBody(post.items, Math.floor(Date.now() / 1000)), windowClosed)),
    random,
    META_DEFAULTS,
    ({ items, number: post }, answer) => {
      const label = answer.kind === 'answered' ? `HTTP ${answer.status}` : answer.kind;
      for (const item of items) {
        if (item.kind === 'message') {
          const pk = recordKey({ tenantId: item.message.tenantId, messageId: item.message.id });
          app.ledger.trace(pk, `POST ${post} (copy ${item.copy}, ${items.length} items) answered ${label}`);
        } else {
          const origin = decodeCallbackData(item.status.callbackData);
          app.ledger.trace(
            origin && recordKey(origin.key),
            `POST ${post} (status ${item.status.status}, ${items.length} items) answered ${label}`,
          );
        }
      }
    },
  );

  const copies = scheduleCopies(meta, messages, random, options.arrivalGapMs ?? 40);
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const finished = await meta.run(() => app.idle(), options.timeoutMs ?? 120_000 * scale);
  const durationMs = Date.now() - started;
  const load: [number, number] = [loadBefore, loadavg()[0] ?? 0];
  const records = await app.records();
  await app.close();

  const facts = {
    plan: plan.name,
    mode: options.mode ?? 'inline',
    messages,
    windowClosed: new Set(
      messages
        .filter((m) => m.expectsReply && windowClosed.has(m.id))
        .map((m) => recordKey({ tenantId: m.tenantId, messageId: m.id })),
    ),
    permanent: new Set(
      messages
        .filter((m) => isPermanent({ plan, seed: options.seed }, m.id))
        .map((m) => recordKey({ tenantId: m.tenantId, messageId: m.id })),
    ),
    copies,
    requests: app.graph.requests,
    accepted: app.graph.accepted,
    records,
    ledger: app.ledger,
    meta: meta.stats,
    durationMs,
    finished: finished === 'done',
  };
  return { ...planFigures(facts), load };
}

/** What users write in a storm: the bot's fixed answers, and texts that must never reach a log. */
export const STORM_TEXTS = [
  'test',
  'hello',
  'hi',
  'caf\u00e9 \u2615 at 10/12?',
  'where is my order #5521',
] as const;
export const stormPhoneNumber = (index: number) => `1555${String(2_000_000 + index).padStart(7, '0')}`;

/** Mostly text, some images (answered too) and reactions (never answered). */
function stormMessages(count: number, random: Random): MetaMessage[] {
  return Array.from({ length: count }, (_, index) => {
    const from = stormPhoneNumber(index);
    const roll = random.next();
    const type = roll < 0.9 ? 'text' : roll < 0.95 ? 'image' : 'reaction';
    return {
      tenantId: random.pick(TENANTS),
      // Real wamids carry the sender's number base64-encoded, never in plain digits.
      id: `wamid.${Buffer.from(`\u000b${from}\u0015storm${index}:${random.int(0, 1e9)}`).toString('base64')}`,
      from,
      type,
      text: random.pick(STORM_TEXTS),
      expectsReply: type !== 'reaction',
    };
  });
}

/** Spreads the first copies over messages x `gapMs`; returns how many deliveries were planned. */
function scheduleCopies(meta: MetaDelivery, messages: MetaMessage[], random: Random, gapMs: number): number {
  let deliveries = 0;
  const spreadMs = messages.length * gapMs;
  for (const message of messages) {
    const arrival = random.int(0, spreadMs);
    const copies = planCopies(random, COPY_SHAPE);
    deliveries += 1 + copies.length;
    scheduleMessage(meta, message, arrival, copies);
  }
  return deliveries;
}

/** How old a window-closed message is: 30 s short of 24 h, inside the worker's one-minute margin. */
const CLOSED_WINDOW_AGE_S = 24 * 3_600 - 30;

/** The body with the messages of `closed` dated so that their 24 h reply window has (just) closed. */
function withClosedWindows(body: string, closed: ReadonlySet<string>): string {
  if (closed.size === 0) return body;
  const parsed: unknown = JSON.parse(body);
  const old = String(Math.floor(Date.now() / 1000) - CLOSED_WINDOW_AGE_S);
  const entries = isRecord(parsed) && Array.isArray(parsed.entry) ? parsed.entry : [];
  for (const entry of entries) {
    for (const change of isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : []) {
      const value = isRecord(change) && isRecord(change.value) ? change.value : {};
      for (const message of Array.isArray(value.messages) ? value.messages : []) {
        if (isRecord(message) && typeof message.id === 'string' && closed.has(message.id))
          message.timestamp = old;
      }
    }
  }
  return metaJson(parsed);
}
