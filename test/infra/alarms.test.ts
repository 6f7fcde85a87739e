import { beforeAll, describe, expect, it } from 'vitest';
import {
  META_SAMPLE_PHONE_NUMBER_ID,
  USER_CAUSED_GRAPH_CODES,
} from '../../lambda/adapters/graph-error-codes';
import { METRIC } from '../../lambda/observability/metric-names';
import { asyncFailureClass, replyFailureClass } from '../../lambda/observability/reply-failure-class';
import { ALARM_THRESHOLDS, ITERATOR_AGE_ALARM_MS } from '../../lib/alarms';
import { type Synthesized, synthesize } from './synth';

type AlarmProperties = {
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Period?: number;
  Metrics?: {
    Expression?: string;
    MetricStat?: {
      Metric: { MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
      Period: number;
    };
  }[];
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
};

/** A metric an alarm reads: its name and its dimensions other than `service`, as `name[key=value]`. */
function metricsRead(alarm: AlarmProperties): string[] {
  const label = (name: string, dimensions: { Name: string; Value: unknown }[] = []) =>
    `${name}${dimensions
      // API Gateway's Stage or ApiId dimensions say where, not what: only ours (class...) tell metrics apart.
      .filter((d) => !['service', 'Stage', 'ApiId'].includes(d.Name) && typeof d.Value === 'string')
      .map((d) => `[${d.Name}=${String(d.Value)}]`)
      .join('')}`;
  if (alarm.MetricName !== undefined) return [label(alarm.MetricName, alarm.Dimensions)];
  return (alarm.Metrics ?? []).flatMap((m) =>
    m.MetricStat ? [label(m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions)] : [],
  );
}

/** Every period an alarm evaluates, whether it reads one metric or an expression. */
const periodsOf = (alarm: AlarmProperties) =>
  alarm.Period !== undefined
    ? [alarm.Period]
    : (alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Period ?? []);

let synthesized: Synthesized;
let alarms: Record<string, AlarmProperties>;
beforeAll(() => {
  synthesized = synthesize({}, { bundle: false });
  const found = synthesized.template.findResources('AWS::CloudWatch::Alarm');
  // Logical ids are `Alarms<Id><hash>`: key them by the id the construct gave.
  alarms = Object.fromEntries(
    Object.entries(found).map(([logicalId, resource]) => [
      logicalId.replace(/^Alarms/, '').replace(/[0-9A-F]{8}$/, ''),
      resource.Properties as AlarmProperties,
    ]),
  );
});

const t = ALARM_THRESHOLDS;
const FIVE_MINUTES = 300;

describe('each alarm: what it reads, its threshold and its periods', () => {
  it.each([
    ['ServerErrorRate', ['5xx', 'Count'], 5, 3, 2],
    ['FunctionErrors', ['Errors'], 1, 1, 1],
    ['FunctionThrottles', ['Throttles'], 1, 1, 1],
    ['SecretNotConfigured', [METRIC.secretNotConfigured], 1, 1, 1],
    ['SignatureRejections', [METRIC.signatureRejections, 'Count'], t.signatureRejectionPercent, 3, 2],
    ['ClaimStoreErrors', [METRIC.claimStoreErrors], t.claimStoreErrors, 1, 1],
    [
      'SendFailureRate',
      [
        `${METRIC.replyFailures}[class=retryable]`,
        `${METRIC.replyFailures}[class=ambiguous]`,
        METRIC.repliesSent,
      ],
      t.sendFailurePercent,
      3,
      2,
    ],
    [
      'ReplyFailures',
      [`${METRIC.replyFailures}[class=permanent]`, `${METRIC.replyFailures}[class=async]`],
      t.replyFailures,
      1,
      1,
    ],
    ['DoubleReplies', [METRIC.doubleReplies], 1, 1, 1],
    ['WorkerIteratorAge', ['IteratorAge'], ITERATOR_AGE_ALARM_MS, 1, 1],
    ['RedriveFailures', [METRIC.redriveFailures], 1, 1, 1],
    ['WorkerErrors', ['Errors'], 1, 1, 1],
    ['RedriveErrors', ['Errors'], 1, 1, 1],
    ['StreamDeadLetters', ['ApproximateNumberOfMessagesVisible'], 1, 1, 1],
    ['RedriveDeadLetters', ['ApproximateNumberOfMessagesVisible'], 1, 1, 1],
  ] as const)(
    '%s reads %j, fires at %d, in %d-period windows with %d breaching',
    (id, metrics, threshold, evaluationPeriods, datapoints) => {
      const alarm = alarms[id];
      expect(alarm, id).toBeDefined();
      if (alarm === undefined) return;
      expect(metricsRead(alarm).sort()).toEqual([...metrics].sort());
      expect(alarm).toMatchObject({
        Threshold: threshold,
        EvaluationPeriods: evaluationPeriods,
        DatapointsToAlarm: datapoints,
      });
      expect(new Set(periodsOf(alarm))).toEqual(new Set([FIVE_MINUTES]));
    },
  );

  it('lists every alarm the stack creates in the table above', () => {
    expect(Object.keys(alarms)).toHaveLength(15);
  });

  it('pages on a rate, not a single event, for signature rejections and send failures', () => {
    for (const id of ['SignatureRejections', 'SendFailureRate']) {
      const expression = alarms[id]?.Metrics?.find((m) => m.Expression?.startsWith('IF('))?.Expression;
      expect(expression, id).toMatch(/>= 5/);
      expect(expression, id).toMatch(/100 \*/);
    }
  });
});

describe('user-caused outcomes', () => {
  const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };
  /** The metric each user-caused outcome is counted under, derived from the code table. */
  const userCausedMetrics = () => {
    const fromCodes = [...USER_CAUSED_GRAPH_CODES.keys()].flatMap((code) => [
      `${METRIC.replyFailures}[class=${replyFailureClass(KEY, { kind: 'permanent', code, detail: '' })}]`,
      `${METRIC.replyFailures}[class=${asyncFailureClass(KEY, [code])}]`,
    ]);
    const sample = { tenantId: META_SAMPLE_PHONE_NUMBER_ID, messageId: 'ABGGFlA5Fpa' };
    const fromSample = [
      `${METRIC.replyFailures}[class=${replyFailureClass(sample, { kind: 'permanent', code: 100, detail: '' })}]`,
    ];
    return new Set([...fromCodes, ...fromSample, METRIC.windowClosed]);
  };

  it('are counted apart from the refusals of ours', () => {
    expect([...userCausedMetrics()].sort()).toEqual(
      [`${METRIC.replyFailures}[class=user-caused]`, METRIC.windowClosed].sort(),
    );
  });

  it('feed no alarm', () => {
    const forbidden = userCausedMetrics();
    for (const [id, alarm] of Object.entries(alarms)) {
      for (const metric of metricsRead(alarm))
        expect(forbidden.has(metric), `${id} reads ${metric}`).toBe(false);
    }
  });

  it('are shown on the dashboard', () => {
    const dashboard = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain(`\\"${METRIC.replyFailures}\\",\\"class\\",\\"user-caused\\"`);
    expect(body).toContain(`\\"${METRIC.windowClosed}\\"`);
  });
});
