import { describe, expect, it } from 'vitest';
import type { GraphCall } from '../../../../devkit/faults/fetch-faults';
import { SendOrder } from '../../../../scripts/storm/send-order';

const call: GraphCall = { tenantId: '106540352242922', messageId: 'wamid.a', attempt: 1 };
const other: GraphCall = { ...call, attempt: 2 };

describe('SendOrder', () => {
  it('drops an arrival whose send had already timed out on the sender side', () => {
    const order = new SendOrder();
    order.sent(call);
    order.ended(call, 'failed');
    expect(order.arrivedAfterSenderGaveUp(call)).toBe(true);
  });

  it('keeps an arrival whose sender is still waiting for it', () => {
    const order = new SendOrder();
    order.sent(call);
    expect(order.arrivedAfterSenderGaveUp(call)).toBe(false);
  });

  it('matches the n-th arrival of one attempt to its n-th send (the owner retries in turn)', () => {
    const order = new SendOrder();
    order.sent(call);
    order.ended(call, 'failed');
    order.sent(call);
    expect(order.arrivedAfterSenderGaveUp(call)).toBe(true);
    expect(order.arrivedAfterSenderGaveUp(call)).toBe(false);
  });

  it('counts each attempt on its own, and a death before the send as no send at all', () => {
    const order = new SendOrder();
    order.sent(other);
    order.ended(call, 'died');
    order.ended(other, 'answered');
    expect(order.arrivedAfterSenderGaveUp(call)).toBe(false);
    expect(order.arrivedAfterSenderGaveUp(other)).toBe(false);
  });
});
