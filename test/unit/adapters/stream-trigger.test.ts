import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { streamTriggerOf } from '../../../lambda/adapters/stream-trigger';

const record = (
  eventName: DynamoDBRecord['eventName'],
  image?: Record<string, AttributeValue>,
): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: '1065#wamid.A' } },
    SequenceNumber: '100',
    ...(image ? { NewImage: image } : {}),
  },
});
const queued: Record<string, AttributeValue> = {
  pk: { S: '1065#wamid.A' },
  state: { S: 'queued' },
  attempt: { N: '1' },
  tenantId: { S: '1065' },
  messageId: { S: 'wamid.A' },
};

describe('streamTriggerOf', () => {
  it.each(['INSERT', 'MODIFY'] as const)('takes a queued %s as a trigger at its attempt', (eventName) => {
    expect(streamTriggerOf(record(eventName, queued))).toEqual({
      kind: 'trigger',
      key: { tenantId: '1065', messageId: 'wamid.A' },
      observedAttempt: 1,
    });
  });

  it.each(['claimed', 'released', 'unknown', 'done', 'failed'])('ignores a %s image', (state) => {
    expect(streamTriggerOf(record('MODIFY', { ...queued, state: { S: state } }))).toEqual({
      kind: 'ignored',
      reason: 'not-queued',
    });
  });

  it('ignores a removal (TTL) and a record without a new image', () => {
    expect(streamTriggerOf(record('REMOVE', queued))).toMatchObject({ kind: 'ignored', reason: 'no-image' });
    expect(streamTriggerOf(record('INSERT'))).toMatchObject({ kind: 'ignored', reason: 'no-image' });
  });

  it('flags a queued image without its key or attempt as malformed', () => {
    const { tenantId: _t, ...noTenant } = queued;
    expect(streamTriggerOf(record('INSERT', noTenant))).toMatchObject({ reason: 'malformed' });
    expect(streamTriggerOf(record('INSERT', { ...queued, attempt: { N: 'x' } }))).toMatchObject({
      reason: 'malformed',
    });
  });
});
