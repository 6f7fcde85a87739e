import { App } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS } from '../../lambda/config/config';
import { ENV } from '../../lambda/config/env-names';
import { createCdkApp } from '../../lib/app';
import {
  FUNCTION_LOGICAL_ID,
  LOCAL_INVOKE_VARIABLES,
  REDRIVE_LOGICAL_ID,
  WORKER_LOGICAL_ID,
} from '../../lib/identifiers';
import { DEFAULT_SETTINGS, readSettings, SettingsError } from '../../lib/settings';
import { WhatsappOnceStack } from '../../lib/whatsapp-once-stack';
import { nagReport, type Synthesized, synthesize } from './synth';

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

describe('readSettings', () => {
  it('returns the documented defaults when the context sets nothing', () => {
    expect(readSettings(context({}))).toEqual(DEFAULT_SETTINGS);
  });

  it('reads the bot settings, and refuses a BOT_URL that is not http(s)', () => {
    const settings = readSettings(
      context({
        botUrl: 'https://bot.example/v1',
        botProtocol: 'rasa',
        botTimeoutMs: '5000',
        staleAfterSeconds: 600,
      }),
    );
    expect(settings).toMatchObject({
      botUrl: 'https://bot.example/v1',
      botProtocol: 'rasa',
      botTimeoutMs: 5_000,
      staleAfterSeconds: 600,
    });
    expect(() => readSettings(context({ botUrl: 'ftp://bot', botProtocol: 'dialogflow' }))).toThrow(
      /botUrl must match.*botProtocol must match/,
    );
  });

  it('refuses a bot timeout that leaves no whole Graph call inside the inline webhook lease', () => {
    const bot = { botUrl: 'https://bot.example/v1', botTimeoutMs: '20000' };
    expect(() => readSettings(context(bot))).toThrow(
      'botTimeoutMs + leaseSafetyMs + one Graph call (20000 + 2000 + 8000 = 30000 ms) must be below timeoutSeconds (25 s)',
    );
    // Queued, the webhook never composes: only the worker's longer timeout has to fit the bot.
    expect(readSettings(context({ ...bot, replyMode: 'queued' })).botTimeoutMs).toBe(20_000);
    expect(() => readSettings(context({ ...bot, replyMode: 'queued', workerTimeoutSeconds: 25 }))).toThrow(
      /must be below workerTimeoutSeconds \(25 s\)/,
    );
    // The runtime's default bot timeout counts when only the URL is set; no URL, no HTTP bot to wait for.
    expect(() => readSettings(context({ botUrl: 'https://bot.example/v1', timeoutSeconds: 19 }))).toThrow(
      /\(10000 \+ 2000 \+ 8000 = 20000 ms\) must be below timeoutSeconds \(19 s\)/,
    );
    expect(readSettings(context({ botTimeoutMs: 25_000 })).botTimeoutMs).toBe(25_000);
  });

  it('accepts command-line strings as well as JSON values', () => {
    const settings = readSettings(
      context({ dedupTtlDays: '10', tracing: 'true', reservedConcurrency: 5, logRetentionDays: '90' }),
    );
    expect(settings).toMatchObject({
      dedupTtlDays: 10,
      tracing: true,
      reservedConcurrency: 5,
      logRetentionDays: 90,
    });
  });

  it('reports every invalid value at once', () => {
    const read = () =>
      readSettings(context({ dedupTtlDays: 7, timeoutSeconds: 30, logLevel: 'LOUD', alarmEmail: 'nobody' }));
    expect(read).toThrow(SettingsError);
    for (const key of ['dedupTtlDays', 'timeoutSeconds', 'logLevel', 'alarmEmail']) {
      expect(read).toThrow(new RegExp(`${key} must`));
    }
  });

  it('refuses a lease margin and duplicate wait that leave no time before the deadline', () => {
    expect(() =>
      readSettings(context({ timeoutSeconds: 6, leaseSafetyMs: 3000, inFlightWaitMs: 3000 })),
    ).toThrow(/must be below timeoutSeconds/);
  });

  it.each(['inline', 'queued'])('accepts replyMode=%s', (replyMode) => {
    expect(readSettings(context({ replyMode })).replyMode).toBe(replyMode);
  });

  it('refuses a reply mode the runtime does not know', () => {
    expect(() => readSettings(context({ replyMode: 'async' }))).toThrow(/replyMode must match/);
  });

  it('refuses a worker timeout that leaves no room for one Graph call inside the lease', () => {
    expect(() => readSettings(context({ workerTimeoutSeconds: 10, leaseSafetyMs: 2000 }))).toThrow(
      /must be below workerTimeoutSeconds/,
    );
    expect(readSettings(context({ workerTimeoutSeconds: '120', sendRatePerSecond: '40' }))).toMatchObject({
      workerTimeoutSeconds: 120,
      sendRatePerSecond: 40,
    });
  });

  it('accepts only retention periods CloudWatch Logs offers', () => {
    expect(() => readSettings(context({ logRetentionDays: 31 }))).toThrow(/logRetentionDays must be one of/);
  });
});

describe('the stack with every user setting changed', () => {
  let synthesized: Synthesized;
  const fn = () => synthesized.template.findResources('AWS::Lambda::Function')[FUNCTION_LOGICAL_ID];
  const variables = () => fn()?.Properties.Environment.Variables;

  beforeAll(() => {
    synthesized = synthesize(
      {
        secretName: 'prod/whatsapp-once',
        tracing: true,
        alarmEmail: 'ops@example.com',
        stageName: 'prod',
        reservedConcurrency: 20,
        dedupTtlDays: 10,
        leaseSafetyMs: 2500,
        graphApiVersion: 'v25.0',
        logLevel: 'DEBUG',
      },
      { bundle: false },
    );
  });

  it('imports the named secret instead of creating one, and passes its name', () => {
    synthesized.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(variables()[ENV.secretId]).toBe('prod/whatsapp-once');
    expect(JSON.stringify(synthesized.template.findResources('AWS::IAM::Policy'))).toContain(
      ':secret:prod/whatsapp-once-??????',
    );
  });

  it('turns on active tracing, and cdk-nag still passes with the X-Ray wildcard acknowledged', () => {
    expect(fn()?.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const report = nagReport(synthesized.outdir);
    expect(report.violations).toEqual([]);
    expect(report.suppressed.map((s) => s.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
    const worker = report.suppressed.find((s) => s.acknowledgedAt === 'WhatsappOnce/Worker/Role');
    expect(worker?.reason).toMatch(/xray:PutTraceSegments/);
    expect(worker?.reason).toMatch(/dynamodb:ListStreams/);
  });

  it('subscribes the alarm e-mail to the alarm topic', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('serves the webhook under the named stage', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod' });
    expect(JSON.stringify(synthesized.template.findOutputs('CallbackUrl'))).toContain('/prod/webhook');
  });

  it('passes reserved concurrency, TTL, lease, Graph version and log level to the function', () => {
    expect(fn()?.Properties.ReservedConcurrentExecutions).toBe(20);
    expect(variables()).toMatchObject({
      [ENV.dedupTtlSeconds]: String(10 * 86_400),
      [ENV.leaseSafetyMs]: '2500',
      [ENV.graphVersion]: 'v25.0',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  });
});

describe('the stack with the bot keys set', () => {
  const BOT = {
    botUrl: 'https://bot.example/rasa',
    botProtocol: 'rasa',
    botTimeoutMs: '5000',
    staleAfterSeconds: '600',
  };
  let synthesized: Synthesized;
  const functions = () => synthesized.template.findResources('AWS::Lambda::Function');

  beforeAll(() => {
    synthesized = synthesize(BOT, { bundle: false });
  });

  it.each([FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID])(
    'gives %s the bot URL, protocol, timeout and staleness, and the secret to sign with',
    (id) => {
      const variables = functions()[id]?.Properties.Environment.Variables;
      expect(variables).toMatchObject({
        [ENV.botUrl]: BOT.botUrl,
        [ENV.botProtocol]: 'rasa',
        [ENV.botTimeoutMs]: '5000',
        [ENV.staleAfterSeconds]: '600',
        [ENV.secretId]: expect.anything(),
      });
      expect(variables).not.toHaveProperty(ENV.botSecret);
    },
  );

  it("puts no BOT_SECRET in the template: the functions read the secret's botSecret key", () => {
    expect(JSON.stringify(synthesized.template.toJSON())).not.toContain(ENV.botSecret);
  });

  it.each([FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID])(
    'gives %s a timeout longer than the bot timeout, the lease margin and one Graph call',
    (id) => {
      const timeoutMs = Number(functions()[id]?.Properties.Timeout) * 1000;
      expect(timeoutMs).toBeGreaterThan(5_000 + DEFAULT_SETTINGS.leaseSafetyMs + DEFAULTS.sendTimeoutMs);
    },
  );

  it('passes MARK_AS_READ and TYPING_INDICATOR to every function only when turned on', () => {
    const on = synthesize({ markAsRead: 'true', typingIndicator: true }, { bundle: false });
    for (const id of [FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID]) {
      const variables =
        on.template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables;
      expect(variables, id).toMatchObject({ [ENV.markAsRead]: 'true', [ENV.typingIndicator]: 'true' });
      expect(functions()[id]?.Properties.Environment.Variables, id).not.toHaveProperty(ENV.markAsRead);
    }
    expect(() => readSettings(context({ markAsRead: 'yes' }))).toThrow(/markAsRead must be true or false/);
  });

  it('fails synth with the reason when the bot timeout does not fit the webhook', () => {
    expect(() => synthesize({ ...BOT, botTimeoutMs: '16000' }, { bundle: false })).toThrow(
      /botTimeoutMs \+ leaseSafetyMs \+ one Graph call .* must be below timeoutSeconds \(25 s\)/,
    );
  });
});

describe('synth-time checks', () => {
  it('declares the sam-local override variables, empty, only when localInvoke is set', () => {
    const { template } = synthesize({ localInvoke: true }, { bundle: false });
    const variables =
      template.findResources('AWS::Lambda::Function')[FUNCTION_LOGICAL_ID]?.Properties.Environment.Variables;
    for (const name of LOCAL_INVOKE_VARIABLES) expect(variables[name]).toBe('');
  });

  it("runs the runtime's parseConfig at synth, so settings it would refuse at cold start fail synth", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const settings = { ...DEFAULT_SETTINGS, leaseSafetyMs: 61_000 };
    expect(() => new WhatsappOnceStack(app, 'Refused', { settings })).toThrow(ConfigError);
  });

  it("runs the worker's own parser at synth too, deploy-time references standing in as URLs", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const settings = { ...DEFAULT_SETTINGS, sendRatePerSecond: 0 };
    expect(() => new WhatsappOnceStack(app, 'RefusedRate', { settings })).toThrow(
      new RegExp(`${ENV.sendRatePerSecond} must be an integer`),
    );
  });

  it('fails synth on an unacknowledged cdk-nag finding', () => {
    const { app, stack } = createCdkApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    new Topic(stack, 'TopicWithoutSsl');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});
