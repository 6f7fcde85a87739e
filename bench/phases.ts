import { REALISTIC_STATUSES } from '../devkit/meta/status-webhooks';
import { countsBetween } from './counting-proxy';
import type { Delivery } from './deliveries';
import { steadyLogBytes } from './log-probe';
import type { PhaseSample } from './measure';
import { probeRequests } from './probe';
import type { BenchSettings } from './settings';
import { type PhaseStatuses, runStormPhase } from './storm';
import type { RunningTarget } from './targets';
import { runThroughput } from './throughput';
import { type MessagePlan, planMessages } from './workload';

export interface PhaseContext {
  settings: BenchSettings;
  appSecret: string;
  progress: (text: string) => void;
  /** Called before every measured phase (the driver samples the load average). */
  onPhase: () => void;
}

/**
 * Warm-up and request probe per target, then interleaved rounds: every round runs the storm on
 * every target, then the saturation phase, each time in an order rotated by one.
 */
export async function runPhases(all: RunningTarget[], context: PhaseContext): Promise<void> {
  const { settings } = context;
  const policy = { delaysMs: settings.redeliveryDelaysMs };
  const plans = (t: RunningTarget, tag: string, messages: number, seed: number, firstIndex: number) =>
    planMessages(
      { messages, arrivalsPerSecond: settings.stormArrivalsPerSecond, seed, firstIndex },
      `${t.spec.name}${tag}x`,
      context.appSecret,
    );

  for (const t of all) {
    context.progress(`warm-up ${t.spec.label}`);
    await runStormPhase(t.host, plans(t, 'w', settings.warmupMessages, settings.seed - 1, 900_000), policy);
    context.progress(`request probe ${t.spec.label}`);
    t.probe = await probeRequests(
      t.host,
      t.proxy,
      (repeat) => {
        const [single, contended] = plans(t, `p${repeat}`, 2, settings.seed - 2, 800_000 + 10 * repeat);
        if (single === undefined || contended === undefined) throw new Error('probe plans missing');
        return [single, contended];
      },
      { repeats: settings.probeRepeats, inFlightAfterMs: settings.graphDelayMs / 2, policy },
    );
    context.progress(`log probe ${t.spec.label}`);
    t.steadyLogBytes = await steadyLogBytes(
      t,
      plans(t, 'l', 5, settings.seed - 3, 700_000),
      context.appSecret,
    );
  }

  // Meta's realistic mix, sent + delivered + read per accepted reply, in the measured storm only.
  const statuses = (t: RunningTarget): PhaseStatuses => ({
    shape: REALISTIC_STATUSES,
    appSecret: context.appSecret,
    onReply: t.onReply,
  });
  const saturation = {
    concurrency: settings.throughputConcurrency,
    maxRedeliveries: settings.redeliveryDelaysMs.length,
  };
  for (let round = 0; round < settings.rounds; round++) {
    const of = `${round + 1}/${settings.rounds}`;
    for (const t of rotate(all, round)) {
      const stormPlans = plans(
        t,
        `s${round}`,
        settings.stormMessagesPerRound,
        settings.seed + round,
        round * 10_000,
      );
      t.storm.push(
        await sampled(t, stormPlans, context, `storm ${of}`, (count) =>
          runStormPhase(t.host, stormPlans, policy, count, statuses(t)),
        ),
      );
    }
    for (const t of rotate(all, round)) {
      const queuePlans = plans(
        t,
        `t${round}`,
        settings.throughputMessagesPerRound,
        settings.seed + 100 + round,
        500_000 + round * 10_000,
      );
      t.throughput.push(
        await sampled(t, queuePlans, context, `saturation ${of}`, (count) =>
          runThroughput(t.host, queuePlans, saturation, count),
        ),
      );
    }
  }
}

/** Runs one phase on one target and keeps what the proxy, the worker and the Graph stub saw meanwhile. */
async function sampled(
  t: RunningTarget,
  phasePlans: MessagePlan[],
  context: PhaseContext,
  phase: string,
  run: (onDelivery: (d: Delivery) => void) => Promise<{ deliveries: Delivery[]; wallMs: number }>,
): Promise<PhaseSample> {
  context.onPhase();
  const requestsBefore = t.proxy.snapshot();
  const repliesBefore = t.graph.accepted.length;
  const cpuBefore = await t.host.cpuMs();
  const logBytesBefore = t.logBytes();
  let done = 0;
  const { deliveries, wallMs } = await run(() => {
    done++;
    context.progress(`${phase} · ${t.spec.label} · ${done} deliveries · ${phasePlans.length} messages`);
  });
  const cpuMs = (await t.host.cpuMs()) - cpuBefore;
  return {
    plans: phasePlans,
    deliveries,
    requests: countsBetween(requestsBefore, t.proxy.snapshot()),
    cpuMs,
    wallMs,
    logBytes: t.logBytes() - logBytesBefore,
    repliesTo: t.graph.accepted.slice(repliesBefore).map((a) => a.request.inReplyTo),
    queuedInvocations: {},
    queuedCpuMs: {},
    sqs: {},
  };
}

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
