import { metaJson, statusWebhook } from '../devkit/meta/meta-json';
import { signatureFor } from '../lambda/http/signature';
import type { SinkReply } from './graph-sink';

/** Meta's `sent` status follows an accepted message within a moment. */
const ECHO_DELAY_MS = 50;
export const ECHO_USER_AGENT = 'whatsapp-once-local (status echo)';

export interface StatusEcho {
  /** Schedules the `sent` status webhook Meta would deliver for this reply. */
  echo(reply: SinkReply): void;
  /** Stops scheduling, cancels what has not left yet and waits for what has. */
  stop(): Promise<void>;
}

/**
 * Plays Meta's status webhooks for the sink's replies: a signed `sent` status carrying the reply's
 * `biz_opaque_callback_data`, posted to the webhook like Meta posts it. This is the path that confirms
 * an ambiguous send, so local runs exercise it too.
 */
export function statusEcho(webhookUrl: () => string, appSecret: string): StatusEcho {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const post = async (reply: SinkReply) => {
    const body = metaJson(
      statusWebhook(reply.phoneNumberId, {
        id: reply.outboundId,
        status: 'sent',
        ...(reply.callbackData === undefined ? {} : { callbackData: reply.callbackData }),
      }),
    );
    try {
      const response = await fetch(webhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': ECHO_USER_AGENT,
          'x-hub-signature-256': signatureFor(body, appSecret),
        },
        body,
      });
      await response.arrayBuffer();
    } catch {
      // Shutting down, or the server is gone: Meta would retry later; a local run just drops it.
    }
  };

  return {
    echo(reply) {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const sending = post(reply).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }, ECHO_DELAY_MS);
      timers.add(timer);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...inFlight]);
    },
  };
}
