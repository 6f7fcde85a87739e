import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../bench/deliveries';
import { sendDelays } from '../../../bench/measure';
import type { MessagePlan } from '../../../bench/workload';

const plan = (index: number, wamid: string) => ({ index, wamid }) as MessagePlan;
const delivery = (message: number, startedAt: number, kind: Delivery['kind'] = 'first'): Delivery => ({
  message,
  kind,
  status: 200,
  ms: 1,
  startedAt,
});

describe('sendDelays', () => {
  it('measures from the earliest delivery of a message to the first Graph request quoting it', () => {
    const delays = sendDelays(
      [plan(1, 'wamid.A'), plan(2, 'wamid.B')],
      [delivery(1, 1_000), delivery(1, 990, 'simultaneous'), delivery(2, 2_000)],
      [
        { inReplyTo: 'wamid.A', receivedAt: 1_250 },
        { inReplyTo: 'wamid.A', receivedAt: 1_900 },
        { inReplyTo: 'wamid.B', receivedAt: 5_000 },
      ],
    );
    expect(delays).toEqual([260, 3_000]);
  });

  it('leaves out a message without a reply', () => {
    expect(sendDelays([plan(1, 'wamid.A')], [delivery(1, 0)], [])).toEqual([]);
  });
});
