import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type InvocationRun, invokeAsLambda } from '../../devkit/lambda-host/in-process';
import type { Invocation } from '../../devkit/lambda-host/invocation-scope';
import type { DeliveryAnswer } from '../../devkit/meta/delivery-policy';
import { signedPost } from '../../devkit/webhook-events';
import { buildApp, type WebhookApp } from '../../lambda/app/build-app';
import { recordKey } from '../../lambda/domain/messages';
import type { ProtocolObserver } from '../../lambda/domain/ports';
import { webhookHandler } from '../../lambda/webhook-chain';
import type { Ledger } from './ledger';
import { FROZEN_AT_DEADLINE, STORM_SECRET, type StormParts } from './storm-parts';

type WebhookHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

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

/**
 * The webhook function of either mode: the real handler (`buildApp` + `webhookHandler`) in a pool
 * of warm containers, each POST one invocation with a deadline.
 */
export function webhookFunction(parts: StormParts, env: Record<string, string>) {
  const { ledger, timing } = parts;
  const build = (): WebhookHandler =>
    webhookHandler(
      withLedgerObserver(buildApp(env, { dynamoDb: parts.faultyClient(), ...parts.ports() }), ledger),
    );
  // Lambda runs one invocation at a time per container: warm containers are reused.
  const warm: WebhookHandler[] = [];
  const busy = new Set<Invocation>();
  return {
    async invoke(body: string): Promise<DeliveryAnswer> {
      ledger.invocations++;
      const handler = warm.pop() ?? build();
      let run: InvocationRun;
      try {
        run = await invokeAsLambda(
          handler,
          signedPost(body, STORM_SECRET),
          timing.remainingMs,
          FROZEN_AT_DEADLINE,
        );
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
    /** Whether every invocation's work is over or stopped for good. */
    idle: () => [...busy].every((invocation) => invocation.stopped),
  };
}
