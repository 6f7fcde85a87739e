import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../devkit/dynamodb-local';
import { faultyBot } from '../../devkit/faults/bot-faults';
import { injectDynamoDbFaults } from '../../devkit/faults/dynamodb-faults';
import { describeGraphCall, faultyFetch } from '../../devkit/faults/fetch-faults';
import { injectProtocolMutant, type ProtocolMutant } from '../../devkit/faults/protocol-mutants';
import { type GraphRequest, type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { gatedClock } from '../../devkit/lambda-host/invocation-scope';
import type { DeliveryAnswer } from '../../devkit/meta/delivery-policy';
import type { Random } from '../../devkit/random';
import { systemClock } from '../../lambda/app/build-app';
import { defaultBot } from '../../lambda/bots/default-bot';
import { recordKey } from '../../lambda/domain/messages';
import { botFault, dynamoFault, type FaultContext, fetchFault, graphBehaviour } from './faults';
import { attemptOf, pkOf } from './figures';
import { Ledger } from './ledger';
import type { FaultPlan, ReplyMode } from './plans';
import { SendOrder } from './send-order';
import { type StormRecord, stormTable } from './storm-table';

export const STORM_SECRET = 'storm-app-secret';
export const STORM_ACCESS_TOKEN = 'storm-access-token';

/**
 * Lambda time compressed so that takeovers, graces and redeliveries happen within seconds: an
 * invocation has 3 s, its lease ends 0.5 s before that. The graces stay well above the latency
 * noise of a busy 2-core machine (requests can wait seconds in the event loop there); at the
 * production defaults (30 s and 3 s) that noise is negligible.
 */
export interface StormTiming {
  /** `getRemainingTimeInMillis()` at the start of every invocation; Meta times out at the same moment. */
  remainingMs: number;
  env: Record<string, string>;
}

export const STORM_TIMING: StormTiming = {
  remainingMs: 3_000,
  env: {
    LEASE_SAFETY_MS: '500',
    TAKEOVER_GRACE_MS: '1000',
    IN_FLIGHT_WAIT_MS: '800',
    AMBIGUOUS_GRACE_MS: '4000',
    SEND_TIMEOUT_MS: '700',
    SEND_MAX_ATTEMPTS: '3',
  },
};

/**
 * Every storm invocation is frozen at its deadline, as Lambda freezes it: without this, on a loaded
 * machine leftover work ran on past the deadline (the host's timer fired late, or middy had
 * answered 500 just before it) and sent replies no real Lambda could have sent.
 */
/** The storm's timing with every duration multiplied by `scale` (the attempt count stays). */
export function scaledTiming(timing: StormTiming, scale: number): StormTiming {
  if (scale === 1) return timing;
  const env = Object.fromEntries(
    Object.entries(timing.env).map(([name, value]) => [
      name,
      name.endsWith('_MS') ? String(Math.round(Number(value) * scale)) : value,
    ]),
  );
  return { remainingMs: Math.round(timing.remainingMs * scale), env };
}

export const FROZEN_AT_DEADLINE = { freezeAtDeadline: true } as const;

export interface StormApp {
  graph: GraphStub;
  ledger: Ledger;
  /** One webhook POST through the real middy chain, as one Lambda invocation with a deadline. */
  invoke(body: string): Promise<DeliveryAnswer>;
  /** Whether no invocation is still working (stopped ones never will) and nothing is left to do. */
  idle(): boolean;
  records(): Promise<StormRecord[]>;
  close(): Promise<void>;
}

export interface StormAppOptions {
  endpoint: string;
  plan: FaultPlan;
  seed: number;
  random: Random;
  mode: ReplyMode;
  timing?: StormTiming;
  /** A deliberately broken protocol (queued mode): the storm must then report duplicates. */
  mutant?: ProtocolMutant;
  /** Multiplies the storm's durations (the timing given must already be scaled). */
  timeScale?: number;
  /** Messages whose 24 h reply window has closed (Graph refuses them with 131047, as Meta does). */
  windowClosed: ReadonlySet<string>;
  onAccepted: (request: GraphRequest, outboundId: string) => void;
}

/**
 * What both reply modes share: a fresh table (with a stream in queued mode), the ledger, the fault
 * context, the Graph stub, the functions' environment and their faulty ports.
 */
export async function stormParts(options: StormAppOptions) {
  const timing = options.timing ?? STORM_TIMING;
  const table = await stormTable(options.endpoint, options.plan.name, { stream: options.mode === 'queued' });
  const ledger = new Ledger();
  const ctx: FaultContext = {
    plan: options.plan,
    seed: options.seed,
    random: options.random,
    ledger,
    startedAt: Date.now(),
    windowClosed: options.windowClosed,
    dyingBatches: new Map(),
    firstAttempt: options.mode === 'queued' ? 2 : 1,
    timeScale: options.timeScale ?? 1,
    untilTakenOver: (pk, attempt) => table.untilTakenOver(ledger, pk, attempt),
  };
  const clients: DynamoDBClient[] = [];
  /** One DynamoDB client per function, with the plan's faults (and the mutant) on it. */
  const faultyClient = (): DynamoDBClient => {
    const client = localDynamoDbClient(options.endpoint);
    if (options.mutant) injectProtocolMutant(client, options.mutant);
    injectDynamoDbFaults(client, {
      decide: (call, invocation) => dynamoFault(ctx, call, invocation),
      observe: (call, result) => ledger.dynamo(call, result),
    });
    clients.push(client);
    return client;
  };
  const graph: GraphStub = await startGraphStub({
    onAccepted: (request, outboundId) => {
      ledger.trace(pkOf(request), `graph accepted attempt ${attemptOf(request)}`);
      options.onAccepted(request, outboundId);
    },
  });
  const sendOrder = new SendOrder();
  graph.behave((request) => {
    const call = describeGraphCall(JSON.stringify(request.body));
    if (sendOrder.arrivedAfterSenderGaveUp(call)) {
      ledger.count('graph request parsed after its sender gave up (dropped)');
      ledger.trace(
        pkOf(request),
        `graph request attempt ${attemptOf(request)}: after its sender gave up, dropped`,
      );
      return { kind: 'hang' };
    }
    const behaviour = graphBehaviour(ctx, request);
    ledger.trace(pkOf(request), `graph request attempt ${attemptOf(request)}: ${behaviour.kind}`);
    return behaviour;
  });
  const env = {
    TABLE_NAME: table.tableName,
    WHATSAPP_APP_SECRET: STORM_SECRET,
    WHATSAPP_ACCESS_TOKEN: STORM_ACCESS_TOKEN,
    WHATSAPP_VERIFY_TOKEN: 'storm-verify-token',
    GRAPH_API_BASE_URL: graph.baseUrl,
    ...timing.env,
  };
  /** The ports every function gets: the gated clock, the faulty fetch and bot. */
  const ports = () => ({
    clock: gatedClock(systemClock),
    fetch: faultyFetch({
      decide: (call) => {
        const fault = fetchFault(ctx, call);
        // A death before the send: the request never leaves, the stub never sees it.
        if (fault?.kind !== 'die-before-send') sendOrder.sent(call);
        return fault;
      },
      observe: (call, event) => {
        sendOrder.ended(call, event);
        ledger.trace(
          call.tenantId && call.messageId
            ? recordKey({ tenantId: call.tenantId, messageId: call.messageId })
            : undefined,
          `owner's Graph call attempt ${call.attempt}: ${event}`,
        );
      },
    }),
    bot: faultyBot(defaultBot, (message, invocation) => botFault(ctx, message.key, invocation)),
  });
  return {
    timing,
    table,
    ledger,
    ctx,
    graph,
    env,
    ports,
    faultyClient,
    async close() {
      await graph.close();
      for (const client of clients) client.destroy();
      await table.drop();
    },
  };
}

export type StormParts = Awaited<ReturnType<typeof stormParts>>;
