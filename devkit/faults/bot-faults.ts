import type { Bot } from '../../lambda/domain/bot';
import type { InboundMessage } from '../../lambda/domain/messages';
import { currentInvocation, type Invocation, throughPort } from '../lambda-host/invocation-scope';

/** The owner stalls while composing, after its claim and before its send (a slow bot, a frozen process). */
export type BotFault = { kind: 'stall'; until: () => Promise<void> };

/** Wraps a bot so a test can stall `compose` for chosen messages; a stopped invocation never returns from it. */
export function faultyBot(
  base: Bot,
  decide: (message: InboundMessage, invocation: Invocation | undefined) => BotFault | undefined,
): Bot {
  return {
    compose: (message, context) =>
      throughPort(async () => {
        const fault = decide(message, currentInvocation());
        if (fault) await fault.until();
        return base.compose(message, context);
      }),
  };
}
