import type { GraphCall } from '../../devkit/faults/fetch-faults';

/**
 * Which Graph requests their sender had already given up on when the stub got to them.
 *
 * The storm runs the functions and the Graph stub in one Node process. On a loaded machine the stub
 * parses a request seconds after its bytes were written, past the sender's timeout: a real Graph
 * would have taken it when it arrived, inside that timeout, and its `sent` status would have come
 * in time. Accepting it that late makes a "delivered after the grace" ambiguous send out of event
 * loop lag alone, and the guarded resend then shows as a duplicate of the documented exception. So
 * such a request is dropped (the sender saw a timeout, nothing was delivered), which is one of the
 * two things a real timed-out send can mean. The other (delivered, answer lost) is modelled on
 * purpose by the hang-delivered and slow plans, whose sends are delivered in time.
 *
 * Sends of one (message, attempt) go out one after the other (the owner's retries), so the stub's
 * n-th arrival for a key is the sender's n-th send.
 */
export class SendOrder {
  private readonly sends = new Map<string, ('in-flight' | 'gave-up' | 'answered')[]>();
  private readonly arrivals = new Map<string, number>();

  sent(call: GraphCall): void {
    const list = this.sends.get(keyOf(call)) ?? [];
    list.push('in-flight');
    this.sends.set(keyOf(call), list);
  }

  ended(call: GraphCall, event: 'answered' | 'failed' | 'died'): void {
    if (event === 'died') return;
    const list = this.sends.get(keyOf(call));
    const index = list?.lastIndexOf('in-flight') ?? -1;
    if (list && index >= 0) list[index] = event === 'answered' ? 'answered' : 'gave-up';
  }

  /** Records one arrival at the stub; true when its sender had given up on it already. */
  arrivedAfterSenderGaveUp(call: GraphCall): boolean {
    const key = keyOf(call);
    const index = this.arrivals.get(key) ?? 0;
    this.arrivals.set(key, index + 1);
    return this.sends.get(key)?.[index] === 'gave-up';
  }
}

const keyOf = (call: GraphCall) => `${call.tenantId}#${call.messageId}|${call.attempt}`;
