import { type Check, gbSecondsPerMessage, type SlowBotResult, type TargetResult } from './results';
import { ratio } from './stats';

/** A copy that waited for the owner would last about the owner's Graph call (200 ms stub); one write does not. */
const NO_WAIT_MS = 50;
/** "The same (within 20 %) with the 3 s bot". */
const SLOW_BOT_TOLERANCE = 1.2;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const x = (value: number) => `${value.toFixed(2)}x`;

export interface QueuedRun {
  queued: TargetResult;
  inline: TargetResult;
  baseline: TargetResult;
  /** The slow-bot pass of queued mode and of inline mode, when it ran. */
  slowQueued: SlowBotResult | undefined;
  slowInline: SlowBotResult | undefined;
}

/** Issue #11's targets for queued mode ("Proofs", bench table), checked against one run. */
export function checkQueued(run: QueuedRun): Check[] {
  const { queued, inline, baseline, slowQueued, slowInline } = run;
  const first = queued.storm.latencyFirstMs;
  const probe = queued.probe;
  const gbRatio = ratio(gbSecondsPerMessage(queued.usage), gbSecondsPerMessage(inline.usage));
  const cpuRatio = ratio(queued.storm.cpuMsPerDelivery, baseline.storm.cpuMsPerDelivery);
  const checks: Check[] = [
    {
      target: 'webhook handler time p50 / p99, first deliveries, storm',
      wanted: '<= 25 ms / <= 150 ms',
      measured: `${ms(first.p50)} / ${ms(first.p99)}`,
      met: first.p50 <= 25 && first.p99 <= 150,
    },
  ];
  if (slowQueued !== undefined) {
    const slow = slowQueued.storm.latencyFirstMs;
    checks.push({
      target: 'the same with the slow bot',
      wanted: 'within 20 %',
      measured: `${ms(slow.p50)} / ${ms(slow.p99)} (${x(ratio(slow.p50, first.p50))} / ${x(ratio(slow.p99, first.p99))})`,
      met: slow.p50 <= first.p50 * SLOW_BOT_TOLERANCE && slow.p99 <= first.p99 * SLOW_BOT_TOLERANCE,
    });
  }
  checks.push(
    {
      target: 'a copy of a claimed message (after the answer / while pending)',
      wanted: '1 DynamoDB request, no read, no wait, 200',
      measured:
        `${probe.duplicateAfterCompletion} (${probe.duplicateReads} reads), ${ms(probe.duplicateMs)} / ` +
        `${probe.inFlightCopy} in ${probe.inFlightCopyInvocations} invocation(s), ${ms(probe.inFlightCopyFirstMs)}, ` +
        `${probe.inFlightCopyFirstStatus}`,
      met:
        probe.duplicateAfterCompletion === 1 &&
        probe.duplicateReads === 0 &&
        probe.duplicateMs < NO_WAIT_MS &&
        probe.inFlightCopy === 1 &&
        probe.inFlightCopyInvocations === 1 &&
        probe.inFlightCopyFirstStatus === 200 &&
        probe.inFlightCopyFirstMs < NO_WAIT_MS,
    },
    {
      target: 'redeliveries caused by our answers (storm / slow-bot storm)',
      wanted: '0 / 0',
      measured: `${queued.storm.redeliveries} / ${slowQueued?.storm.redeliveries ?? '-'}`,
      met: queued.storm.redeliveries === 0 && (slowQueued?.storm.redeliveries ?? 0) === 0,
    },
    {
      target: 'first delivery to Graph send, p50 / p95 (slow bot)',
      wanted: 'reported',
      measured:
        `${ms(queued.storm.sendDelayMs.p50)} / ${ms(queued.storm.sendDelayMs.p95)}` +
        (slowQueued
          ? ` (${ms(slowQueued.storm.sendDelayMs.p50)} / ${ms(slowQueued.storm.sendDelayMs.p95)})`
          : ''),
      met: 'reported',
    },
    {
      target: 'Lambda GB-seconds per message, both functions, ÷ inline (slow bot)',
      wanted: '<= 0.5x',
      measured:
        x(gbRatio) +
        (slowQueued && slowInline
          ? ` (${x(ratio(gbSecondsPerMessage(slowQueued.usage), gbSecondsPerMessage(slowInline.usage)))})`
          : ''),
      met: gbRatio <= 0.5,
    },
    {
      target: 'CPU per webhook delivery ÷ Powertools',
      wanted: '<= 0.6x',
      measured: x(cpuRatio),
      met: cpuRatio <= 0.6,
    },
    {
      target: 'replies: exactly one per message (storm, saturation, slow bot)',
      wanted: '0 extra, 0 missing',
      measured: `${extra(queued, slowQueued)} extra, ${missing(queued, slowQueued)} missing`,
      met: extra(queued, slowQueued) === 0 && missing(queued, slowQueued) === 0,
    },
  );
  return checks;
}

const extra = (t: TargetResult, slow: SlowBotResult | undefined) =>
  t.storm.extraReplies + t.throughput.extraReplies + (slow?.storm.extraReplies ?? 0);
const missing = (t: TargetResult, slow: SlowBotResult | undefined) =>
  t.storm.messagesWithoutReply + t.throughput.messagesWithoutReply + (slow?.storm.messagesWithoutReply ?? 0);
