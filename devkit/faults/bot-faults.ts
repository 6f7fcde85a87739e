import type { InboundMessage } from '../../lambda/domain/messages';
import type { Bot } from '../../lambda/domain/ports';
import { currentInvocation, type Invocation, throughPort } from '../lambda-host/invocation-scope';

/** The owner stalls while composing, after its claim and before its send (a slow bot, a frozen process). */
export type BotFault = { kind: 'stall'; until: () => Promise<void> };

/** Wraps a bot so a test can stall `compose` for chosen messages; a stopped invocation never returns from it. */
export function faultyBot(
  base: Bot,
  decide: (message: InboundMessage, invocation: Invocation | undefined) => BotFault | undefined,
): Bot {
  return {
    answers: (message) => base.answers(message),
    compose: (message) =>
      throughPort(async () => {
        const fault = decide(message, currentInvocation());
        if (fault) await fault.until();
        return base.compose(message);
      }),
  };
}
