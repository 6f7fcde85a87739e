import { buildWorker } from '../../lambda/app/build-worker';
import { redriveHandler } from '../../lambda/queue-chains';
import { benchBot } from './bench-bot';

// lambda/redrive.ts with the bench's bot (BENCH_BOT_DELAY_MS): the slow-bot pass of queued mode.
export const handler = redriveHandler(buildWorker(process.env, { bot: benchBot(process.env) }));
