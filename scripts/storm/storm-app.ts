import { localDynamoDbClient } from '../../devkit/dynamodb-local';
import { faultyBot } from '../../devkit/faults/bot-faults';
import { injectDynamoDbFaults } from '../../devkit/faults/dynamodb-faults';
import { faultyFetch } from '../../devkit/faults/fetch-faults';
import { type GraphRequest, type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { type InvocationRun, invokeAsLambda } from '../../devkit/lambda-host/in-process';
import { gatedClock, type Invocation } from '../../devkit/lambda-host/invocation-scope';
import type { DeliveryAnswer } from '../../devkit/meta/delivery-policy';
import type { Random } from '../../devkit/random';
import { signedPost } from '../../devkit/webhook-events';
import { buildApp, systemClock, type WebhookApp } from '../../lambda/app/build-app';
import { defaultBot } from '../../lambda/bots/default-bot';
import { recordKey } from '../../lambda/domain/messages';
import type { ProtocolObserver } from '../../lambda/domain/ports';
import { webhookHandler } from '../../lambda/webhook-chain';
import { botFault, dynamoFault, type FaultContext, fetchFault, graphBehaviour } from './faults';
import { attemptOf, pkOf } from './figures';
import { Ledger } from './ledger';
import type { FaultPlan } from './plans';
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

export interface StormApp {
  graph: GraphStub;
  ledger: Ledger;
  /** One webhook POST through the real middy chain, as one Lambda invocation with a deadline. */
  invoke(body: string): Promise<DeliveryAnswer>;
  /** Whether no invocation is still working (stopped ones never will). */
  idle(): boolean;
  records(): Promise<StormRecord[]>;
  close(): Promise<void>;
}

/**
 * The real handler (`buildApp` + `webhookHandler`) over a fresh table in DynamoDB Local and a Graph
 * stub on 127.0.0.1, with the plan's faults injected at its ports.
 */
/** The app with its protocol observer teed, so the ledger sees what the handler itself detected. */
function withLedgerObserver(app: WebhookApp, ledger: Ledger): WebhookApp {
  const observer: ProtocolObserver = {
    ...app.deps.observer,
    doubleReply: (key, attempts) => {
      ledger.detectedDoubleReplies.add(recordKey(key));
      app.deps.observer.doubleReply(key, attempts);
    },
  };
  return { ...app, deps: { ...app.deps, observer } };
}

export async function startStormApp(options: {
  endpoint: string;
  plan: FaultPlan;
  seed: number;
  random: Random;
  timing?: StormTiming;
  onAccepted: (request: GraphRequest, outboundId: string) => void;
}): Promise<StormApp> {
  const timing = options.timing ?? STORM_TIMING;
  const table = await stormTable(options.endpoint, options.plan.name);
  const ledger = new Ledger();

  const ctx: FaultContext = {
    plan: options.plan,
    seed: options.seed,
    random: options.random,
    ledger,
    startedAt: Date.now(),
    untilTakenOver: (pk, attempt) => table.untilTakenOver(ledger, pk, attempt),
  };

  const client = localDynamoDbClient(options.endpoint);
  injectDynamoDbFaults(client, {
    decide: (call, invocation) => dynamoFault(ctx, call, invocation),
    observe: (call, result) => ledger.dynamo(call, result),
  });
  const graph = await startGraphStub({
    onAccepted: (request, outboundId) => {
      ledger.trace(pkOf(request), `graph accepted attempt ${attemptOf(request)}`);
      options.onAccepted(request, outboundId);
    },
  });
  graph.behave((request) => {
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
  const overrides = {
    dynamoDb: client,
    clock: gatedClock(systemClock),
    fetch: faultyFetch({
      decide: (call) => fetchFault(ctx, call),
      observe: (call, event) =>
        ledger.trace(
          call.tenantId && call.messageId
            ? recordKey({ tenantId: call.tenantId, messageId: call.messageId })
            : undefined,
          `owner's Graph call attempt ${call.attempt}: ${event}`,
        ),
    }),
    bot: faultyBot(defaultBot, (message, invocation) => botFault(ctx, message.key, invocation)),
  };
  // Lambda runs one invocation at a time per container: warm containers are reused.
  const warm: ReturnType<typeof webhookHandler>[] = [];
  const container = () => warm.pop() ?? webhookHandler(withLedgerObserver(buildApp(env, overrides), ledger));
  const busy = new Set<Invocation>();

  return {
    graph,
    ledger,
    async invoke(body) {
      ledger.invocations++;
      const handler = container();
      let run: InvocationRun;
      try {
        run = await invokeAsLambda(handler, signedPost(body, STORM_SECRET), timing.remainingMs);
      } catch {
        ledger.handlerThrew++;
        return { kind: 'answered', status: 500 };
      }
      const { answer, invocation, finished } = run;
      // Work can go on after the answer (middy answers 500 at the deadline; zombies resume late).
      if (!invocation.stopped) {
        busy.add(invocation);
        void finished.then(() => busy.delete(invocation));
      }
      // A container whose invocation died or was stopped at its deadline is not reused.
      if (answer.kind === 'answered' && !invocation.zombie) warm.push(handler);
      return answer.kind === 'answered' ? { kind: 'answered', status: answer.statusCode } : answer;
    },
    idle: () => [...busy].every((invocation) => invocation.stopped),
    records: () => table.records(),
    async close() {
      await graph.close();
      client.destroy();
      await table.drop();
    },
  };
}
