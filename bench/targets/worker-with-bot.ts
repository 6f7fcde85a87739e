import { buildWorker } from '../../lambda/app/build-worker';
import { workerHandler } from '../../lambda/queue-chains';
import { benchBot } from './bench-bot';

// lambda/worker.ts with the bench's bot (BENCH_BOT_DELAY_MS): the slow-bot pass of queued mode.
export const handler = workerHandler(buildWorker(process.env, { bot: benchBot(process.env) }));
