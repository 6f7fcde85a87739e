import { describe, expect, it } from 'vitest';
import { describeCall } from '../../../../devkit/faults/dynamodb-faults';

describe('describeCall on queued mode requests', () => {
  it('names a PutItem of a queued record an enqueue, with its attempt', () => {
    const input = { Item: { pk: { S: 't#m' }, state: { S: 'queued' }, attempt: { N: '1' } } };
    expect(describeCall('PutItemCommand', input)).toEqual({ operation: 'enqueue', pk: 't#m', attempt: 1 });
  });

  it('keeps inline mode claims named claim', () => {
    const input = { Item: { pk: { S: 't#m' }, state: { S: 'claimed' }, attempt: { N: '2' } } };
    expect(describeCall('PutItemCommand', input)).toEqual({ operation: 'claim', pk: 't#m', attempt: 2 });
  });

  it('names the UpdateItem fenced on an observed attempt a lease, with the attempt it takes', () => {
    const input = {
      Key: { pk: { S: 't#m' } },
      ExpressionAttributeValues: {
        ':observed': { N: '1' },
        ':attempt': { N: '2' },
        ':claimed': { S: 'claimed' },
      },
    };
    expect(describeCall('UpdateItemCommand', input)).toEqual({ operation: 'lease', pk: 't#m', attempt: 2 });
  });
});
