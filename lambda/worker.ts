import { buildWorker } from './app/build-worker';
import { workerHandler } from './queue-chains';

// Queued mode's worker, on the table's DynamoDB stream. Built once per container; config fails loudly here.
export const handler = workerHandler(buildWorker(process.env));
