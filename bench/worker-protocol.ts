import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Messages between the driver and a worker that hosts one target, over the child-process IPC channel. */
export type ToWorker =
  | { type: 'invoke'; id: number; event: APIGatewayProxyEventV2; remainingMs: number }
  | { type: 'cpu' };

export type FromWorker =
  | { type: 'ready'; initMs: number }
  | { type: 'result'; id: number; status: number; ms: number; error: string | undefined }
  | { type: 'cpu'; userMicros: number; systemMicros: number };
