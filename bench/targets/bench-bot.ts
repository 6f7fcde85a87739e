import { setTimeout as delay } from 'node:timers/promises';
import { defaultBot } from '../../lambda/bots/default-bot';
import type { Bot } from '../../lambda/domain/bot';

/** The environment variable the bench sets to slow every target's bot down alike. */
export const BOT_DELAY_ENV = 'BENCH_BOT_DELAY_MS';

/**
 * The default bot, whose compose takes `BENCH_BOT_DELAY_MS` (a bot that thinks: an LLM takes
 * seconds). Without the variable it is the default bot itself. Each target composes with it exactly
 * where it composes today, so only the time the bot takes changes.
 */
export function benchBot(env: Record<string, string | undefined>): Bot {
  const delayMs = Number(env[BOT_DELAY_ENV] ?? 0);
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`${BOT_DELAY_ENV} must be a number of ms`);
  if (delayMs === 0) return defaultBot;
  return {
    compose: async (message, context) => {
      await delay(delayMs);
      return defaultBot.compose(message, context);
    },
  };
}
