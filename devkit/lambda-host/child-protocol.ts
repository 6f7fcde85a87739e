/** Messages between a host and the child process that runs one bundle, over the fork IPC channel. */
export type ToChild =
  /** Any event the function takes: an API Gateway request, a stream batch, an SQS batch. */
  { type: 'invoke'; id: number; event: unknown; remainingMs: number } | { type: 'cpu' };

export interface ThrownError {
  name: string;
  message: string;
}

export type FromChild =
  | { type: 'ready'; initMs: number; nodeVersion: string }
  | { type: 'init-error'; error: ThrownError }
  /** `ms` is the handler's own latency, measured in the child around `handler(event, context)`. */
  | { type: 'result'; id: number; ms: number; result?: unknown; error?: ThrownError }
  | { type: 'cpu'; userMicros: number; systemMicros: number };
