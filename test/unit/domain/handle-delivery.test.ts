import { describe, expect, it } from 'vitest';
import { handleDelivery } from '../../../lambda/domain/handle-delivery';
import type { WebhookBatch } from '../../../lambda/domain/messages';
import { message, useCaseFixture } from './use-case-fixture';

const batch = (overrides: Partial<WebhookBatch>): WebhookBatch => ({
  messages: [],
  statuses: [],
  errors: [],
  malformed: 0,
  ...overrides,
});

describe('handleDelivery', () => {
  it('gives every message of a batch its own outcome and one reply each', async () => {
    const f = useCaseFixture();
    const outcome = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1'), message('wamid.2'), message('wamid.3')] }),
      deadline: f.deadline(),
    });
    expect(outcome.messages).toEqual([{ kind: 'replied' }, { kind: 'replied' }, { kind: 'replied' }]);
    expect(outcome.complete).toBe(true);
    expect(f.sent.map((r) => r.inReplyTo).sort()).toEqual(['wamid.1', 'wamid.2', 'wamid.3']);
  });

  it('answers a redelivered batch with different siblings: only the new message gets a reply', async () => {
    const f = useCaseFixture();
    await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1')] }),
      deadline: f.deadline(),
    });
    const outcome = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.2'), message('wamid.1')] }),
      deadline: f.deadline(),
    });
    expect(outcome.messages).toEqual([
      { kind: 'replied' },
      { kind: 'duplicate', reason: 'already-processed' },
    ]);
    expect(f.sent).toHaveLength(2);
  });

  it('treats a repeated key inside one delivery as a duplicate without a second claim', async () => {
    const f = useCaseFixture();
    const outcome = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.ID'), message('wamid.ID')] }),
      deadline: f.deadline(),
    });
    expect(outcome.messages).toEqual([{ kind: 'replied' }, { kind: 'duplicate', reason: 'same-batch' }]);
    expect(f.claims.calls.filter((c) => c === 'claim')).toHaveLength(1);
  });

  it('is complete only when every message is done or terminal', async () => {
    const f = useCaseFixture();
    f.scriptSends(
      { kind: 'retryable', code: 131000, detail: 'x' },
      { kind: 'retryable', code: 131000, detail: 'x' },
      {
        kind: 'retryable',
        code: 131000,
        detail: 'x',
      },
    );
    const outcome = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1')] }),
      deadline: f.deadline(),
    });
    expect(outcome.complete).toBe(false);
    const retry = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1'), message('wamid.2')] }),
      deadline: f.deadline(),
    });
    expect(retry.complete).toBe(true);
  });

  it.each(['peek', 'confirmSent'] as const)(
    'asks for a redelivery when a status could not be recorded (%s failed)',
    async (operation) => {
      const f = useCaseFixture();
      f.claims.records.set('106540352242922#wamid.1', {
        state: 'unknown',
        owner: 'owner-1',
        attempt: 1,
        leaseUntil: 0,
        expiresAt: 4_000_000_000,
      });
      f.claims.failNext.set(operation, 1);
      const outcome = await handleDelivery(f.deps, {
        batch: batch({
          statuses: [
            {
              tenantId: '106540352242922',
              outboundId: 'wamid.out',
              status: 'sent',
              callbackData: 'wo1|1|106540352242922|wamid.1',
              errorCodes: [],
            },
          ],
        }),
        deadline: f.deadline(),
      });
      expect(outcome.statusFailures).toBe(1);
      expect(outcome.complete).toBe(false);
      expect(f.observer.events).toContainEqual({
        event: 'storeError',
        args: [
          { tenantId: '106540352242922', messageId: 'wamid.out' },
          operation,
          expect.objectContaining({ message: 'injected store failure' }),
        ],
      });
    },
  );

  it('acknowledges statuses of messages it did not send without touching the store', async () => {
    const f = useCaseFixture();
    const outcome = await handleDelivery(f.deps, {
      batch: batch({
        statuses: [
          {
            tenantId: '1',
            outboundId: 'wamid.x',
            status: 'delivered',
            callbackData: undefined,
            errorCodes: [],
          },
        ],
      }),
      deadline: f.deadline(),
    });
    expect(outcome.complete).toBe(true);
    expect(f.claims.calls).toEqual([]);
  });

  it('reports value-level errors and an asynchronous reply failure', async () => {
    const f = useCaseFixture();
    await handleDelivery(f.deps, {
      batch: batch({
        errors: [{ tenantId: '1', code: 130429, title: 'Rate limit hit' }],
        statuses: [
          {
            tenantId: '1',
            outboundId: 'wamid.x',
            status: 'failed',
            callbackData: 'wo1|1|1|wamid.1',
            errorCodes: [131047],
          },
        ],
      }),
      deadline: f.deadline(),
    });
    expect(f.observer.names().sort()).toEqual(['asyncReplyFailure', 'valueError']);
  });

  it('flags new events for forwarding, but not a delivery made only of duplicates', async () => {
    const f = useCaseFixture();
    const first = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1')] }),
      deadline: f.deadline(),
    });
    const again = await handleDelivery(f.deps, {
      batch: batch({ messages: [message('wamid.1')] }),
      deadline: f.deadline(),
    });
    expect(first.hasNewEvents).toBe(true);
    expect(again.hasNewEvents).toBe(false);
  });
});
