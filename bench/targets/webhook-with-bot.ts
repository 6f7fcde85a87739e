import { buildApp } from '../../lambda/app/build-app';
import { webhookHandler } from '../../lambda/webhook-chain';
import { benchBot } from './bench-bot';

// lambda/handler.ts with the bench's bot (BENCH_BOT_DELAY_MS): the slow-bot pass of both reply modes.
export const handler = webhookHandler(buildApp(process.env, { bot: benchBot(process.env) }));
