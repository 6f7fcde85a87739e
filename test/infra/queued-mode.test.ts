import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../lambda/config/config';
import { ENV } from '../../lambda/config/env-names';
import { FUNCTION_LOGICAL_ID, REDRIVE_LOGICAL_ID, WORKER_LOGICAL_ID } from '../../lib/identifiers';
import { QUEUE_MAPPING } from '../../lib/redrive-function';
import { MAX_RECEIVE_COUNT } from '../../lib/redrive-queue';
import { STREAM_MAPPING } from '../../lib/reply-worker';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import { type Synthesized, synthesize } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown> };

let inline: Synthesized;
let queued: Synthesized;

beforeAll(() => {
  inline = synthesize({}, { bundle: false });
  queued = synthesize({ replyMode: 'queued' }, { bundle: false });
});

const resources = (synthesized: Synthesized, type: string) =>
  Object.entries(synthesized.template.findResources(type)) as [string, Resource][];
const fn = (synthesized: Synthesized, id: string) =>
  synthesized.template.findResources('AWS::Lambda::Function')[id] as Resource;
const variables = (synthesized: Synthesized, id: string) =>
  (fn(synthesized, id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const mapping = (synthesized: Synthesized, functionId: string) => {
  const found = resources(synthesized, 'AWS::Lambda::EventSourceMapping').filter(
    ([, resource]) =>
      JSON.stringify(resource.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
  );
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1].Properties;
};

describe('the reply mode switch', () => {
  it('sets REPLY_MODE on the webhook only: inline by default, queued with -c replyMode=queued', () => {
    expect(variables(inline, FUNCTION_LOGICAL_ID)[ENV.replyMode]).toBe('inline');
    expect(variables(queued, FUNCTION_LOGICAL_ID)[ENV.replyMode]).toBe('queued');
    for (const id of [WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID]) {
      expect(variables(queued, id)).not.toHaveProperty(ENV.replyMode);
    }
  });

  it('changes nothing else, so switching a live stack leaves the stream, worker and queues in place', () => {
    const withoutMode = (synthesized: Synthesized) => {
      const template = structuredClone(synthesized.template.toJSON()) as {
        Resources: Record<string, Resource>;
        Outputs: Record<string, unknown>;
      };
      const webhook = template.Resources[FUNCTION_LOGICAL_ID] as Resource;
      delete (webhook.Properties.Environment as { Variables: Record<string, unknown> }).Variables[
        ENV.replyMode
      ];
      delete template.Outputs.ReplyMode;
      return template;
    };
    expect(withoutMode(queued)).toEqual(withoutMode(inline));
  });

  it('deploys the stream, the worker and its mapping, the redrive function and both queues in inline mode too', () => {
    inline.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    expect(fn(inline, WORKER_LOGICAL_ID)).toBeDefined();
    expect(fn(inline, REDRIVE_LOGICAL_ID)).toBeDefined();
    expect(resources(inline, 'AWS::Lambda::EventSourceMapping')).toHaveLength(2);
    expect(resources(inline, 'AWS::SQS::Queue')).toHaveLength(3);
  });
});

describe('upgrading a stack deployed before queued mode', () => {
  /** The logical ids of the inline-only stack: a changed id would replace the resource (a new, empty table). */
  const BEFORE_QUEUED_MODE = [
    'DedupTableAA8E2D4D',
    'WhatsappSecretABDA8D4F',
    'WebhookLogsAA703ADA',
    'WebhookRole9ADA1310',
    'WebhookRoleDefaultPolicyAC1A131C',
    'WebhookFunction',
    'ApiHttpApi4C294DC0',
    'ApiHttpApiStage34551C04',
    'ApiAccessLogs50B185DB',
    'AlarmsTopic3A2DFEBA',
    'Dashboard7A714131',
  ];

  it('keeps the logical id of every resource it had, so the deploy updates them in place', () => {
    const ids = Object.keys(inline.template.toJSON().Resources);
    for (const id of BEFORE_QUEUED_MODE) expect(ids, id).toContain(id);
  });
});

describe('the worker and its stream mapping', () => {
  it('runs the worker entry on nodejs24.x, arm64, with its own log group and the worker timeout', () => {
    const worker = fn(queued, WORKER_LOGICAL_ID).Properties;
    expect(worker).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: DEFAULT_SETTINGS.workerTimeoutSeconds,
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^WorkerLogs/) } },
    });
    const [, logGroup] =
      resources(queued, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('WorkerLogs')) ?? [];
    expect(logGroup?.Properties.RetentionInDays).toBe(30);
  });

  it('reads the table stream from the trim horizon, with every documented knob set', () => {
    const [tableId] = resources(queued, 'AWS::DynamoDB::Table')[0] ?? [];
    const [streamDlqId] =
      resources(queued, 'AWS::SQS::Queue').find(([id]) => id.startsWith('WorkerStreamDeadLetters')) ?? [];
    expect(mapping(queued, WORKER_LOGICAL_ID)).toEqual({
      FunctionName: { Ref: WORKER_LOGICAL_ID },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: STREAM_MAPPING.batchSize,
      MaximumBatchingWindowInSeconds: STREAM_MAPPING.maxBatchingWindowSeconds,
      ParallelizationFactor: STREAM_MAPPING.parallelizationFactor,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_MAPPING.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_MAPPING.maxRecordAgeSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { state: { S: ['queued'] } } } }) }],
      },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [streamDlqId, 'Arn'] } } },
    });
  });

  it('keeps the record age inside the stream retention of 24 h, leaving time to replay a dead-lettered range', () => {
    expect(STREAM_MAPPING.maxRecordAgeSeconds).toBeGreaterThanOrEqual(3600);
    expect(STREAM_MAPPING.maxRecordAgeSeconds).toBeLessThanOrEqual(12 * 3600);
  });

  it('leaves the worker a lease long enough for one whole Graph call', () => {
    const timeoutMs = Number(fn(queued, WORKER_LOGICAL_ID).Properties.Timeout) * 1000;
    expect(timeoutMs - DEFAULTS.leaseSafetyMs).toBeGreaterThan(DEFAULTS.sendTimeoutMs);
  });

  it('tells the worker and the redrive function where re-drives go and how fast to send', () => {
    const [queueId] =
      resources(queued, 'AWS::SQS::Queue').find(([id]) => id.startsWith('RedrivesQueue')) ?? [];
    for (const id of [WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID]) {
      expect(variables(queued, id)).toMatchObject({
        [ENV.redriveQueueUrl]: { Ref: queueId },
        [ENV.sendRatePerSecond]: String(DEFAULT_SETTINGS.sendRatePerSecond),
      });
    }
  });
});

describe('the re-drive queue and the redrive function', () => {
  const queue = (prefix: string) =>
    (resources(queued, 'AWS::SQS::Queue').find(([id]) => id.startsWith(prefix)) ?? [])[1]?.Properties;

  it('hides a received re-drive for at least 6 times the redrive timeout, then dead-letters it after 5+ receives', () => {
    const timeout = Number(fn(queued, REDRIVE_LOGICAL_ID).Properties.Timeout);
    const [dlqId] =
      resources(queued, 'AWS::SQS::Queue').find(([id]) => id.startsWith('RedrivesDeadLetters')) ?? [];
    const properties = queue('RedrivesQueue') as {
      VisibilityTimeout: number;
      RedrivePolicy: { deadLetterTargetArn: unknown; maxReceiveCount: number };
    };
    expect(properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    expect(properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
  });

  it('encrypts every queue and keeps dead letters for 14 days', () => {
    for (const [, resource] of resources(queued, 'AWS::SQS::Queue')) {
      expect(resource.Properties.SqsManagedSseEnabled).toBe(true);
    }
    for (const prefix of ['RedrivesDeadLetters', 'WorkerStreamDeadLetters']) {
      expect(queue(prefix)?.MessageRetentionPeriod).toBe(14 * 86_400);
    }
  });

  it('refuses plain-HTTP access to every queue', () => {
    const policies = resources(queued, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(3);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('consumes the re-drive queue with partial batch responses and a bounded concurrency', () => {
    const [queueId] =
      resources(queued, 'AWS::SQS::Queue').find(([id]) => id.startsWith('RedrivesQueue')) ?? [];
    expect(mapping(queued, REDRIVE_LOGICAL_ID)).toEqual({
      FunctionName: { Ref: REDRIVE_LOGICAL_ID },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: QUEUE_MAPPING.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: QUEUE_MAPPING.maxConcurrency },
    });
  });
});
