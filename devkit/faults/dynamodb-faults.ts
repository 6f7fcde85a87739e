import {
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import type { ClaimOperation } from '../../lambda/domain/ports';
import { isRecord } from '../../lambda/json-object';
import { currentInvocation, type Invocation, never, throughPort } from '../lambda-host/invocation-scope';

/** The claim store's operation a request belongs to (the product's own names), or none of them. */
export type CalledOperation = ClaimOperation | 'other';

export interface DynamoCall {
  operation: CalledOperation;
  /** The record's partition key (`phone_number_id#wamid`). */
  pk: string | undefined;
  /** The claim attempt the request writes or is fenced on. */
  attempt: number | undefined;
}

/**
 * throttle - the request is refused with ProvisionedThroughputExceededException (the SDK retries it).
 * outage   - the request fails with InternalServerError, HTTP 500 (the SDK retries it).
 * die      - the invocation dies before this request leaves.
 * pause    - the request is applied, its answer is held until `until` resolves (a zombie's port).
 */
export type DynamoFault =
  | { kind: 'throttle' }
  | { kind: 'outage' }
  | { kind: 'die' }
  | { kind: 'pause'; until: () => Promise<void> };

export interface DynamoFaultOptions {
  /** Decides the fault for one HTTP attempt (SDK retries included); undefined lets it through. */
  decide?: (call: DynamoCall, invocation: Invocation | undefined) => DynamoFault | undefined;
  /** Sees every HTTP attempt, and whether DynamoDB accepted it (a failed condition is not accepted). */
  observe?: (call: DynamoCall, result: 'ok' | 'failed') => void;
}

/**
 * Fault injection as SDK middleware on the client handed to `buildApp`. It sits after the SDK's
 * retry middleware, so each retry attempt meets the fault again, as it would against a real table.
 */
export function injectDynamoDbFaults(client: DynamoDBClient, options: DynamoFaultOptions): void {
  client.middlewareStack.add(
    (next, context) => (args) =>
      throughPort(async () => {
        const call = describeCall(context.commandName ?? '', args.input);
        const invocation = currentInvocation();
        const fault = options.decide?.(call, invocation);
        if (fault?.kind === 'die') {
          invocation?.die();
          return never();
        }
        if (fault?.kind === 'throttle' || fault?.kind === 'outage') {
          options.observe?.(call, 'failed');
          throw injectedError(fault.kind);
        }
        let result: Awaited<ReturnType<typeof next>>;
        try {
          result = await next(args);
        } catch (error) {
          options.observe?.(call, 'failed');
          throw error;
        }
        options.observe?.(call, 'ok');
        if (fault?.kind === 'pause') await fault.until();
        return result;
      }),
    { step: 'finalizeRequest', priority: 'low', name: 'injectDynamoDbFaults' },
  );
}

function injectedError(kind: 'throttle' | 'outage'): Error {
  return kind === 'throttle'
    ? new ProvisionedThroughputExceededException({
        message: 'injected: throughput exceeded',
        $metadata: { httpStatusCode: 400 },
      })
    : new InternalServerError({ message: 'injected: outage', $metadata: { httpStatusCode: 500 } });
}

type Attribute = { S?: string; N?: string };
const attribute = (map: unknown, name: string): Attribute | undefined => {
  const value = isRecord(map) ? map[name] : undefined;
  return isRecord(value) ? (value as Attribute) : undefined;
};

/** Reads the adapter's request: which claim-store operation, which record, which attempt. */
export function describeCall(commandName: string, input: unknown): DynamoCall {
  const body = isRecord(input) ? input : {};
  const values = body.ExpressionAttributeValues;
  const pk = attribute(body.Key, 'pk')?.S ?? attribute(body.Item, 'pk')?.S;
  const numberOf = (value: Attribute | undefined) => (value?.N === undefined ? undefined : Number(value.N));
  switch (commandName) {
    case 'PutItemCommand': {
      // Queued mode's claim writes the outbox entry: a `queued` record.
      const operation = attribute(body.Item, 'state')?.S === 'queued' ? 'enqueue' : 'claim';
      return { operation, pk, attempt: numberOf(attribute(body.Item, 'attempt')) };
    }
    case 'GetItemCommand':
      return { operation: body.ConsistentRead === true ? 'read' : 'peek', pk, attempt: undefined };
    case 'UpdateItemCommand': {
      const attempt = numberOf(attribute(values, ':attempt'));
      if (attribute(values, ':done')) return { operation: 'confirmSent', pk, attempt };
      // The worker's lease is the one write fenced on the attempt it observed.
      if (attribute(values, ':observed')) return { operation: 'lease', pk, attempt };
      const state = attribute(values, ':state')?.S;
      const operation: CalledOperation =
        state === 'done'
          ? 'complete'
          : state === 'released'
            ? 'release'
            : state === 'unknown'
              ? 'markUnknown'
              : state === 'failed'
                ? 'markFailed'
                : 'other';
      return { operation, pk, attempt };
    }
    default:
      return { operation: 'other', pk, attempt: undefined };
  }
}
