import { countsBetween } from './counting-proxy';
import type { Delivery } from './deliveries';
import { mergeCounts, type PhaseSample, sendDelays } from './measure';
import { probeRequests } from './probe';
import type { BenchSettings } from './settings';
import { runStormPhase } from './storm';
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

/** Queued mode's worker gets this long after the webhook's last answer to send every reply of a phase. */
const QUEUED_SETTLE_MS = 120_000;

/**
 * Warm-up and request probe per target, then interleaved rounds: every round runs the storm on
 * every target, then the saturation phase, each time in an order rotated by one.
 */
export async function runPhases(all: RunningTarget[], context: PhaseContext): Promise<void> {
  const { settings } = context;
  const policy = { delaysMs: settings.redeliveryDelaysMs };
  for (const t of all) {
    context.progress(`warm-up ${t.spec.label}`);
    const warmup = plansFor(t, context, 'w', settings.warmupMessages, settings.seed - 1, 900_000);
    await runStormPhase(t.host, warmup, policy);
    await settled(t);
    context.progress(`request probe ${t.spec.label}`);
    t.probe = await probeRequests(
      t.host,
      t.proxy,
      (repeat) => {
        const [single, contended] = plansFor(
          t,
          context,
          `p${repeat}`,
          2,
          settings.seed - 2,
          800_000 + 10 * repeat,
        );
        if (single === undefined || contended === undefined) throw new Error('probe plans missing');
        return [single, contended];
      },
      { repeats: settings.probeRepeats, inFlightAfterMs: settings.graphDelayMs / 2, policy },
    );
    await settled(t);
  }

  await runStormRounds(all, context, 's');
  const saturation = {
    concurrency: settings.throughputConcurrency,
    maxRedeliveries: settings.redeliveryDelaysMs.length,
  };
  for (let round = 0; round < settings.rounds; round++) {
    const of = `${round + 1}/${settings.rounds}`;
    for (const t of rotate(all, round)) {
      const queuePlans = plansFor(
        t,
        context,
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

/** The storm phase alone, in interleaved rounds (the slow-bot pass runs only this, with tag `b`). */
export async function runStormRounds(
  all: RunningTarget[],
  context: PhaseContext,
  tag: string,
): Promise<void> {
  const { settings } = context;
  const policy = { delaysMs: settings.redeliveryDelaysMs };
  for (let round = 0; round < settings.rounds; round++) {
    const of = `${round + 1}/${settings.rounds}`;
    for (const t of rotate(all, round)) {
      const stormPlans = plansFor(
        t,
        context,
        `${tag}${round}`,
        settings.stormMessagesPerRound,
        settings.seed + round,
        round * 10_000,
      );
      t.storm.push(
        await sampled(t, stormPlans, context, `${tag === 's' ? 'storm' : 'slow-bot storm'} ${of}`, (count) =>
          runStormPhase(t.host, stormPlans, policy, count),
        ),
      );
    }
  }
}

const plansFor = (
  t: RunningTarget,
  context: PhaseContext,
  tag: string,
  messages: number,
  seed: number,
  firstIndex: number,
) =>
  planMessages(
    { messages, arrivalsPerSecond: context.settings.stormArrivalsPerSecond, seed, firstIndex },
    `${t.spec.name}${tag}x`,
    context.appSecret,
  );

/**
 * Queued mode: waits until no stream record and no re-drive is pending, so a phase's counts hold all
 * the work its messages caused (Meta has its 200 long before the reply is sent).
 */
async function settled(t: RunningTarget): Promise<void> {
  if ((await t.queued?.idle(QUEUED_SETTLE_MS)) === 'timed-out') {
    console.error(
      `warning: ${t.spec.label}: the worker was still busy ${QUEUED_SETTLE_MS / 1_000} s after the phase`,
    );
  }
}

/**
 * Runs one phase on one target and keeps what the proxies, the functions and the Graph stub saw
 * meanwhile; in queued mode that includes the worker's and redrive function's work until it settled.
 */
async function sampled(
  t: RunningTarget,
  phasePlans: MessagePlan[],
  context: PhaseContext,
  phase: string,
  run: (onDelivery: (d: Delivery) => void) => Promise<{ deliveries: Delivery[]; wallMs: number }>,
): Promise<PhaseSample> {
  context.onPhase();
  const q = t.queued;
  const requestsBefore = [t.proxy.snapshot(), q?.proxy.snapshot() ?? {}];
  const repliesBefore = t.graph.accepted.length;
  const graphBefore = t.graph.requests.length;
  const cpuBefore = await cpuOf(t);
  const invocationsBefore = {
    worker: q?.invocations.worker.length ?? 0,
    redrive: q?.invocations.redrive.length ?? 0,
  };
  const sqsBefore = q?.sqsRequests() ?? {};
  let done = 0;
  const { deliveries, wallMs } = await run(() => {
    done++;
    context.progress(`${phase} · ${t.spec.label} · ${done} deliveries · ${phasePlans.length} messages`);
  });
  context.progress(`${phase} · ${t.spec.label} · waiting for the worker`);
  await settled(t);
  const cpuAfter = await cpuOf(t);
  return {
    plans: phasePlans,
    deliveries,
    requests: mergeCounts([
      countsBetween(requestsBefore[0] ?? {}, t.proxy.snapshot()),
      countsBetween(requestsBefore[1] ?? {}, q?.proxy.snapshot() ?? {}),
    ]),
    cpuMs: cpuAfter.webhook - cpuBefore.webhook,
    wallMs,
    repliesTo: t.graph.accepted.slice(repliesBefore).map((a) => a.request.inReplyTo),
    queuedInvocations: q
      ? {
          worker: q.invocations.worker.slice(invocationsBefore.worker),
          redrive: q.invocations.redrive.slice(invocationsBefore.redrive),
        }
      : {},
    queuedCpuMs: q
      ? { worker: cpuAfter.worker - cpuBefore.worker, redrive: cpuAfter.redrive - cpuBefore.redrive }
      : {},
    sqs: Object.fromEntries(
      Object.entries(q?.sqsRequests() ?? {})
        .map(([operation, n]): [string, number] => [operation, n - (sqsBefore[operation] ?? 0)])
        .filter(([, n]) => n > 0),
    ),
    sendDelaysMs: sendDelays(phasePlans, deliveries, t.graph.requests.slice(graphBefore)),
  };
}

async function cpuOf(t: RunningTarget): Promise<{ webhook: number; worker: number; redrive: number }> {
  return {
    webhook: await t.host.cpuMs(),
    worker: (await t.queued?.worker.cpuMs()) ?? 0,
    redrive: (await t.queued?.redrive.cpuMs()) ?? 0,
  };
}

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
