import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../lambda/json-object';

/**
 * Protocol mutants: a deliberately broken condition, swapped in on the wire, so a proof can show
 * that it notices when the protocol is wrong. Product code is untouched; the mutant lives in the
 * client handed to the app.
 *
 * lease-unfenced - the worker's lease no longer checks the attempt it observed nor a live lease: any
 *   unsettled record is taken, so a duplicate stream delivery or a re-drive racing a stream retry
 *   takes a record another worker is sending for (the model's "worker without fencing" mutant).
 */
export type ProtocolMutant = 'lease-unfenced';

export const PROTOCOL_MUTANTS: readonly ProtocolMutant[] = ['lease-unfenced'];

/**
 * The mutant lease condition. Every name and value of the real one is still used (DynamoDB refuses
 * unused ones), but joined by OR, so none of them can refuse the write on its own.
 */
const UNFENCED_LEASE =
  '#attempt = :observed OR #state IN (:queued, :released, :claimed, :unknown) OR #leaseUntil < :takeoverBefore';

export function injectProtocolMutant(client: DynamoDBClient, mutant: ProtocolMutant): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input;
      const isLease =
        context.commandName === 'UpdateItemCommand' &&
        isRecord(input) &&
        isRecord(input.ExpressionAttributeValues) &&
        ':observed' in input.ExpressionAttributeValues;
      if (mutant === 'lease-unfenced' && isLease) {
        return next({ ...args, input: { ...input, ConditionExpression: UNFENCED_LEASE } });
      }
      return next(args);
    },
    { step: 'initialize', name: `protocolMutant-${mutant}` },
  );
}
