import type { GraphRequest } from '../../devkit/graph-stub';
import type { MetaStats } from '../../devkit/meta/meta-delivery';
import type { MetaMessage } from '../../devkit/meta/webhook-body';
import { decodeCallbackData } from '../../lambda/domain/callback-data';
import { recordKey } from '../../lambda/domain/messages';
import type { Ledger } from './ledger';
import type { ReplyMode } from './plans';
import type { StormRecord } from './storm-table';

/** How an ambiguous send ended: the cases where a later delivery could not know whether the reply left. */
export interface AmbiguousFigures {
  total: number;
  /** A status webhook settled the record: nobody sent again. */
  confirmedByStatus: number;
  /** Resent after the grace; the earlier reply had not reached the user, so the resend is the one reply. */
  resentNotDelivered: number;
  /** Resent after the grace although the earlier reply had reached the user: a duplicate. */
  resentDelivered: number;
  terminal: number;
  open: number;
}

export interface PlanFigures {
  plan: string;
  messages: number;
  /** Copies Meta sent of its own accord (1-4 per message). */
  copies: number;
  /** Times any message was carried in a POST: copies plus redeliveries after non-200 answers. */
  deliveries: number;
  posts: number;
  replies: number;
  duplicates: number;
  misses: number;
  terminal: number;
  expectedTerminal: number;
  /** Terminal records of messages whose 24 h window had closed (counted in `terminal` too). */
  windowClosed: number;
  expectedWindowClosed: number;
  ambiguous: AmbiguousFigures;
  dynamoRequests: number;
  dynamoByOperation: Ledger['dynamoRequests'];
  /** POSTs answered with something other than 200 (each one makes Meta deliver again). */
  extraInvocations: number;
  answers: Record<string, number>;
  /** Messages that needed more than one claim attempt. */
  retakenMessages: number;
  unsettled: number;
  gaveUp: number;
  zombies: Ledger['zombies'];
  injected: Record<string, number>;
  handlerThrew: number;
  durationMs: number;
  finished: boolean;
  /** Duplicated messages the handler itself detected and counted (its DoubleReplies metric). */
  detectedDuplicates: number;
  /** Records that got a duplicate or a miss, with what happened to them. */
  failures: { pk: string; problem: 'duplicate' | 'miss'; timeline: string[] }[];
}

export interface PlanFacts {
  plan: string;
  mode: ReplyMode;
  messages: MetaMessage[];
  /** Messages the plan fails permanently (expected terminal, not misses). */
  permanent: Set<string>;
  /** Messages that arrive with their 24 h window closed (expected terminal window-closed, not misses). */
  windowClosed: Set<string>;
  copies: number;
  requests: GraphRequest[];
  accepted: { request: GraphRequest; outboundId: string }[];
  records: StormRecord[];
  ledger: Ledger;
  meta: MetaStats;
  durationMs: number;
  finished: boolean;
}

const attemptKey = (pk: string, attempt: number | undefined) => `${pk}|${attempt}`;
export const pkOf = (request: GraphRequest) =>
  recordKey({ tenantId: request.phoneNumberId, messageId: request.inReplyTo ?? '' });
export const attemptOf = (request: GraphRequest) => decodeCallbackData(request.callbackData)?.attempt;

/** Turns what one plan recorded into its published figures. */
export function planFigures(facts: PlanFacts): PlanFigures {
  const repliesByPk = countBy(facts.accepted.map(({ request }) => pkOf(request)));
  let duplicates = 0;
  let misses = 0;
  const failures: PlanFigures['failures'] = [];
  for (const message of facts.messages) {
    const pk = recordKey({ tenantId: message.tenantId, messageId: message.id });
    const expected = message.expectsReply && !isTerminal(facts, pk) ? 1 : 0;
    const replies = repliesByPk.get(pk) ?? 0;
    duplicates += Math.max(0, replies - expected);
    misses += Math.max(0, expected - replies);
    if (replies !== expected) {
      const problem = replies > expected ? 'duplicate' : 'miss';
      failures.push({ pk, problem, timeline: facts.ledger.timeline.get(pk) ?? [] });
    }
  }
  const records = new Map(facts.records.map((record) => [record.pk, record]));
  const expectedTerminal = facts.messages.filter(
    (m) => m.expectsReply && isTerminal(facts, recordKey({ tenantId: m.tenantId, messageId: m.id })),
  ).length;
  const dynamoRequests = facts.ledger.dynamoTotal;
  return {
    plan: facts.plan,
    messages: facts.messages.length,
    copies: facts.copies,
    deliveries: facts.meta.messageDeliveries,
    posts: facts.meta.posts,
    replies: facts.accepted.length,
    duplicates,
    misses,
    terminal: facts.records.filter((r) => r.state === 'failed').length,
    expectedTerminal,
    windowClosed: facts.records.filter((r) => r.state === 'failed' && facts.windowClosed.has(r.pk)).length,
    expectedWindowClosed: facts.windowClosed.size,
    ambiguous: ambiguousFigures(facts, records),
    dynamoRequests,
    dynamoByOperation: facts.ledger.dynamoRequests,
    extraInvocations: facts.meta.nonOkPosts,
    answers: facts.meta.answers,
    // Queued mode's worker leases attempt 2 of a record the webhook wrote as attempt 1.
    retakenMessages: facts.records.filter((r) => r.attempt > (facts.mode === 'queued' ? 2 : 1)).length,
    unsettled: facts.records.filter((r) => r.state !== 'done' && r.state !== 'failed').length,
    gaveUp: facts.meta.gaveUp,
    zombies: facts.ledger.zombies,
    injected: facts.ledger.injected,
    handlerThrew: facts.ledger.handlerThrew,
    durationMs: facts.durationMs,
    finished: facts.finished,
    detectedDuplicates: failures.filter(
      (f) => f.problem === 'duplicate' && facts.ledger.detectedDoubleReplies.has(f.pk),
    ).length,
    failures,
  };
}

/**
 * An ambiguous send: an attempt that made a Graph call but whose owner never recorded the outcome
 * (its call timed out, it died, or its own write failed). Classified by what happened next.
 */
function ambiguousFigures(facts: PlanFacts, records: Map<string, StormRecord>): AmbiguousFigures {
  const figures: AmbiguousFigures = {
    total: 0,
    confirmedByStatus: 0,
    resentNotDelivered: 0,
    resentDelivered: 0,
    terminal: 0,
    open: 0,
  };
  const attempts = new Map<string, { pk: string; attempt: number | undefined }>();
  for (const request of facts.requests) {
    attempts.set(attemptKey(pkOf(request), attemptOf(request)), {
      pk: pkOf(request),
      attempt: attemptOf(request),
    });
  }
  const delivered = new Set(
    facts.accepted.map(({ request }) => attemptKey(pkOf(request), attemptOf(request))),
  );
  for (const [key, { pk, attempt }] of attempts) {
    if (facts.ledger.ownOutcomeRecorded.has(key)) continue;
    figures.total++;
    const resent = facts.accepted.some(
      ({ request }) => pkOf(request) === pk && (attemptOf(request) ?? 0) > (attempt ?? 0),
    );
    const state = records.get(pk)?.state;
    if (resent && delivered.has(key)) figures.resentDelivered++;
    else if (resent) figures.resentNotDelivered++;
    else if (state === 'done' && facts.ledger.confirmedByStatus.has(pk)) figures.confirmedByStatus++;
    else if (state === 'failed') figures.terminal++;
    else figures.open++;
  }
  return figures;
}

const isTerminal = (facts: PlanFacts, pk: string) => facts.permanent.has(pk) || facts.windowClosed.has(pk);

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
