import type { ChildHost } from '../devkit/lambda-host/child-process';
import { sleep } from '../devkit/sleep';
import {
  type CountingProxy,
  countsBetween,
  type RequestCounts,
  readRequests,
  totalRequests,
} from './counting-proxy';
import { metaForTarget, type RedeliveryPolicy } from './deliveries';
import { median } from './stats';
import type { MessagePlan } from './workload';

export interface RequestProbe {
  /** A message's only delivery, alone on the target. */
  firstDelivery: number;
  firstDeliveryOperations: RequestCounts;
  /** The same message again after it was answered. */
  duplicateAfterCompletion: number;
  duplicateReads: number;
  duplicateOperations: RequestCounts;
  /** Its handler time: a copy that waits for the owner lasts as long as the owner's send. */
  duplicateMs: number;
  /** A copy that arrives while the first is in its Graph call, until it is answered 200. */
  inFlightCopy: number;
  inFlightCopyInvocations: number;
  inFlightCopyFirstStatus: number;
  inFlightCopyFirstMs: number;
  /** Whether every repeat gave the same counts. */
  stable: boolean;
}

/**
 * Exact DynamoDB request counts per kind of delivery, one delivery at a time so that the proxy's
 * counts belong to it alone. Repeated `repeats` times; the median is kept, `stable` says if all agreed.
 */
export async function probeRequests(
  host: ChildHost,
  proxy: CountingProxy,
  plans: (repeat: number) => [MessagePlan, MessagePlan],
  options: { repeats: number; inFlightAfterMs: number; policy: RedeliveryPolicy },
): Promise<RequestProbe> {
  const runs: RequestProbe[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    const [single, contended] = plans(repeat);
    const counted = async (work: () => Promise<unknown>): Promise<RequestCounts> => {
      const before = proxy.snapshot();
      await work();
      return countsBetween(before, proxy.snapshot());
    };
    const first = await counted(() => host.invoke(single.event));
    let duplicateMs = 0;
    const duplicate = await counted(async () => {
      duplicateMs = (await host.invoke(single.event)).ms;
    });

    let copyInvocations = 0;
    let copyFirstStatus = 0;
    let copyFirstMs = 0;
    const pair = await counted(async () => {
      const original = host.invoke(contended.event);
      await sleep(options.inFlightAfterMs);
      const meta = metaForTarget(host, [contended], options.policy, repeat, (delivery) => {
        copyInvocations++;
        if (copyInvocations === 1) {
          copyFirstStatus = delivery.status;
          copyFirstMs = delivery.ms;
        }
      });
      meta.schedule({ kind: 'message', message: contended.message, copy: 1 }, 0);
      await Promise.all([original, meta.run(() => true, 60_000)]);
    });
    runs.push({
      firstDelivery: totalRequests(first),
      firstDeliveryOperations: first,
      duplicateAfterCompletion: totalRequests(duplicate),
      duplicateReads: readRequests(duplicate),
      duplicateOperations: duplicate,
      duplicateMs,
      inFlightCopy: totalRequests(pair) - totalRequests(first),
      inFlightCopyInvocations: copyInvocations,
      inFlightCopyFirstStatus: copyFirstStatus,
      inFlightCopyFirstMs: copyFirstMs,
      stable: true,
    });
  }
  const mid = (pick: (probe: RequestProbe) => number) => median(runs.map(pick));
  const [sample] = runs;
  if (sample === undefined) throw new Error('probe needs at least one repeat');
  return {
    ...sample,
    firstDelivery: mid((r) => r.firstDelivery),
    duplicateAfterCompletion: mid((r) => r.duplicateAfterCompletion),
    duplicateReads: mid((r) => r.duplicateReads),
    inFlightCopy: mid((r) => r.inFlightCopy),
    inFlightCopyInvocations: mid((r) => r.inFlightCopyInvocations),
    inFlightCopyFirstStatus: mid((r) => r.inFlightCopyFirstStatus),
    inFlightCopyFirstMs: mid((r) => r.inFlightCopyFirstMs),
    duplicateMs: mid((r) => r.duplicateMs),
    stable: runs.every(
      (r) =>
        r.firstDelivery === sample.firstDelivery &&
        r.duplicateAfterCompletion === sample.duplicateAfterCompletion &&
        r.inFlightCopy === sample.inFlightCopy,
    ),
  };
}
