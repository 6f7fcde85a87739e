import { META_DEFAULTS } from '../devkit/meta/delivery-policy';
import { MetaDelivery } from '../devkit/meta/meta-delivery';
import { scheduleStatuses } from '../devkit/meta/status-webhooks';
import { webhookBody } from '../devkit/meta/webhook-body';
import { postWebhook } from '../devkit/meta/webhook-post';
import { seededRandom } from '../devkit/random';
import type { SinkReply } from './graph-sink';

export const ECHO_USER_AGENT = 'whatsapp-once-local (status echo)';
/** Meta's `sent` status follows an accepted message within a moment; the rest adds nothing locally. */
const ECHO_SHAPE = { sentAfterMs: [50, 50], deliveredChance: 0, deliveredAfterSentMs: [0, 0] } as const;

export interface StatusEcho {
  /** Schedules the `sent` status webhook Meta would deliver for this reply. */
  echo(reply: SinkReply): void;
  /** Stops scheduling and delivers what is already scheduled. */
  stop(): Promise<void>;
}

/**
 * Plays Meta's status webhooks for the sink's replies through the devkit's Meta delivery model: a
 * signed `sent` status carrying the reply's `biz_opaque_callback_data`, posted to the webhook like
 * Meta posts it. This is the path that confirms an ambiguous send, so local runs exercise it too.
 */
export function statusEcho(webhookUrl: () => string, appSecret: string): StatusEcho {
  const random = seededRandom(1);
  let stopped = false;
  const meta = new MetaDelivery(
    (post) =>
      postWebhook(webhookUrl(), webhookBody(post.items, Math.floor(Date.now() / 1000)), {
        appSecret,
        userAgent: ECHO_USER_AGENT,
      }),
    random,
    // A few quick tries: shutting down, or the server is gone, and a local run just drops it.
    { ...META_DEFAULTS, tickMs: 10, maxTries: 3 },
  );
  const running = meta.run(() => stopped, Number.POSITIVE_INFINITY);
  return {
    echo(reply) {
      if (stopped) return;
      const status = {
        tenantId: reply.phoneNumberId,
        outboundId: reply.outboundId,
        callbackData: reply.callbackData,
        recipient: reply.to,
      };
      scheduleStatuses(meta, status, random, ECHO_SHAPE);
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
