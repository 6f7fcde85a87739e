import type { BotFault } from '../../devkit/faults/bot-faults';
import type { DynamoCall, DynamoFault } from '../../devkit/faults/dynamodb-faults';
import type { FetchFault, GraphCall } from '../../devkit/faults/fetch-faults';
import type { GraphBehaviour, GraphRequest } from '../../devkit/graph-stub';
import type { Invocation } from '../../devkit/lambda-host/invocation-scope';
import { fixedChance, type Random } from '../../devkit/random';
import { decodeCallbackData } from '../../lambda/domain/callback-data';
import { recordKey } from '../../lambda/domain/messages';
import type { Ledger } from './ledger';
import type { FaultPlan } from './plans';
import { type DyingBatch, diesMidBatch } from './worker-faults';

/** How long a slow Graph answer takes: far past any lease in the storm. */
export const SLOW_ANSWER_MS = 4_000;

export interface FaultContext {
  plan: FaultPlan;
  seed: number;
  random: Random;
  ledger: Ledger;
  startedAt: number;
  /** Every storm duration is multiplied by this (a loaded machine needs more than compressed time). */
  timeScale: number;
  /** The first attempt that sends: 1 inline; 2 queued (the webhook writes 1, the worker's lease takes 2). */
  firstAttempt: number;
  /** Inbound wamids whose 24 h reply window has closed: Graph refuses a reply with 131047. */
  windowClosed: ReadonlySet<string>;
  /** Queued mode: records of a stream batch whose invocation is to die mid-batch. */
  dyingBatches: Map<string, DyingBatch>;
  /** Resolves once record `pk` moved past `attempt` (taken over) or settled; undefined: the attempt seen first. */
  untilTakenOver: (pk: string, attempt: number | undefined) => Promise<void>;
}

/** Whether a message is one the plan fails permanently at Graph (known up front: terminal, not a miss). */
export const isPermanent = (ctx: Pick<FaultContext, 'plan' | 'seed'>, messageId: string): boolean =>
  fixedChance(ctx.plan.graph?.permanentMessages ?? 0, ctx.seed, 'permanent', messageId);

/** Whether a message arrives with its 24 h window already closed (known up front: terminal, not a miss). */
export const isWindowClosed = (ctx: Pick<FaultContext, 'plan' | 'seed'>, messageId: string): boolean =>
  fixedChance(ctx.plan.window?.closed ?? 0, ctx.seed, 'window-closed', messageId);

/** Whether Graph is down at this moment of the plan (every `everyMs`, for `forMs`). */
const inOutage = (ctx: FaultContext, outage: { everyMs: number; forMs: number } | undefined): boolean =>
  outage !== undefined && (Date.now() - ctx.startedAt) % outage.everyMs >= outage.everyMs - outage.forMs;

/** The Graph stub's answer to one request under the plan. */
export function graphBehaviour(ctx: FaultContext, request: GraphRequest): GraphBehaviour {
  const g = ctx.plan.graph ?? {};
  const messageId = request.inReplyTo;
  const attempt = decodeCallbackData(request.callbackData)?.attempt;
  const fixed = (rate: number | undefined, label: string) =>
    fixedChance(rate ?? 0, ctx.seed, label, messageId, attempt);
  const note = (fault: string, behaviour: GraphBehaviour) => {
    ctx.ledger.count(fault);
    return behaviour;
  };
  if (messageId !== undefined && ctx.windowClosed.has(messageId))
    return note('graph 131047 (window closed)', { kind: 'error', status: 400, code: 131047 });
  if (inOutage(ctx, g.outage)) return note('graph down (503)', { kind: 'error', status: 503 });
  if (messageId !== undefined && isPermanent(ctx, messageId))
    return note('graph 131047', { kind: 'error', status: 400, code: 131047 });
  if (attempt === ctx.firstAttempt && fixedChance(g.failFirstAttempt ?? 0, ctx.seed, 'fail-first', messageId))
    return note('graph 500 (first attempt)', { kind: 'error', status: 500, code: 131000 });
  if (fixed(g.hangLost, 'hang-lost')) return note('graph hang, lost', { kind: 'hang' });
  if (fixed(g.hangDelivered, 'hang-delivered'))
    return note('graph hang, delivered', { kind: 'hang', delivered: true });
  if (fixed(g.slow, 'slow'))
    return note('graph slow answer', { kind: 'accept', answerDelayMs: SLOW_ANSWER_MS * ctx.timeScale });
  if (ctx.random.chance(g.error500 ?? 0)) {
    return ctx.random.chance(0.5)
      ? note('graph 500', { kind: 'error', status: 500, code: 131000 })
      : note('graph 500', { kind: 'error', status: 500 });
  }
  if (ctx.random.chance(g.throttle ?? 0))
    return note('graph 130429', { kind: 'error', status: 400, code: 130429 });
  return { kind: 'accept' };
}

/** Lambda deaths at the Graph call. */
export function fetchFault(ctx: FaultContext, call: GraphCall): FetchFault | undefined {
  const rate = ctx.plan.lambda?.dieBeforeSend ?? 0;
  if (fixedChance(rate, ctx.seed, 'die-before-send', call.messageId, call.attempt)) {
    ctx.ledger.count('lambda died before send');
    return { kind: 'die-before-send' };
  }
  return undefined;
}

/** Zombies stalled between claim and send, in the bot port. */
export function botFault(
  ctx: FaultContext,
  key: { tenantId: string; messageId: string },
  invocation: Invocation | undefined,
): BotFault | undefined {
  if (!invocation || !ctx.random.chance(ctx.plan.lambda?.zombieBeforeSend ?? 0)) return undefined;
  return { kind: 'stall', ...zombie(ctx, invocation, 'zombie before send', recordKey(key), undefined) };
}

/** Lambda deaths and zombies at DynamoDB writes, and DynamoDB's own throttling and outages. */
export function dynamoFault(
  ctx: FaultContext,
  call: DynamoCall,
  invocation: Invocation | undefined,
): DynamoFault | undefined {
  const lambda = ctx.plan.lambda ?? {};
  const fixed = (rate: number | undefined, label: string) =>
    fixedChance(rate ?? 0, ctx.seed, label, call.pk, call.attempt);
  if (invocation && call.pk !== undefined) {
    // A worker's lease is its claim: the same zombie.
    const claims = call.operation === 'claim' || call.operation === 'lease';
    if (claims && fixed(lambda.zombieClaim, 'zombie-claim'))
      return { kind: 'pause', ...zombie(ctx, invocation, 'zombie at claim answer', call.pk, call.attempt) };
    if (call.operation === 'complete' && fixed(lambda.dieAfterSend, 'die-after-send')) {
      ctx.ledger.count('lambda died after send');
      return { kind: 'die' };
    }
    if (call.operation === 'complete' && fixed(lambda.zombieComplete, 'zombie-complete'))
      return { kind: 'pause', ...zombie(ctx, invocation, 'zombie at completion', call.pk, call.attempt) };
    if (call.operation === 'complete' && diesMidBatch(ctx, call.pk)) return { kind: 'die' };
  }
  const dynamo = ctx.plan.dynamo;
  // A plan's `claim` faults hit queued mode's claims too: the webhook's enqueue and the worker's lease.
  const operation = call.operation === 'enqueue' || call.operation === 'lease' ? 'claim' : call.operation;
  if (operation === 'other' || !dynamo?.operations.includes(operation)) return undefined;
  const sinceStart = Date.now() - ctx.startedAt;
  if (dynamo.outage && sinceStart % dynamo.outage.everyMs >= dynamo.outage.everyMs - dynamo.outage.forMs) {
    ctx.ledger.count(`dynamodb ${call.operation} outage`);
    return { kind: 'outage' };
  }
  if (ctx.random.chance(dynamo.throttle)) {
    ctx.ledger.count(`dynamodb ${call.operation} throttled`);
    return { kind: 'throttle' };
  }
  return undefined;
}

/**
 * A zombie's pause. The invocation becomes a zombie (it outlives its deadline) and is counted only
 * when the pause really happens: a claim whose condition failed never pauses.
 */
function zombie(
  ctx: FaultContext,
  invocation: Invocation,
  fault: string,
  pk: string,
  attempt: number | undefined,
): { until: () => Promise<void> } {
  return {
    until: () => {
      ctx.ledger.count(fault);
      invocation.zombie = true;
      ctx.ledger.zombies.started++;
      return ctx.untilTakenOver(pk, attempt);
    },
  };
}
