import { buildWorker } from './app/build-worker';
import { redriveHandler } from './queue-chains';

// Queued mode's delayed re-drives, from the SQS queue. The same use case as the worker, another trigger.
export const handler = redriveHandler(buildWorker(process.env));
