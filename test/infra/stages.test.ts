import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_SUBSCRIBER_WARNING } from '../../lib/alarms';
import { STACK_ID } from '../../lib/identifiers';
import { readSettings, SettingsError } from '../../lib/settings';
import { nagReport, type Synthesized, synthesize } from './synth';

/** The property that carries each named resource type's physical name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
};

/**
 * Logical ids of the resources that hold state an operator cannot recreate: the records inside Meta's
 * retry window, and the verify token Meta holds. A change of either replaces the resource on the next
 * deploy of an existing stack, so they are pinned as literals, copied from the template before stages.
 */
const TABLE_LOGICAL_ID = 'DedupTableAA8E2D4D';
const SECRET_LOGICAL_ID = 'WhatsappSecretABDA8D4F';

type Resource = { Type: string; Properties?: Record<string, unknown> } & Record<string, unknown>;
const resources = (s: Synthesized) => s.template.toJSON().Resources as Record<string, Resource>;

/** [type, logical id, physical name or undefined] of every resource of a named type. */
function physicalNames(s: Synthesized): [string, string, unknown][] {
  return Object.entries(resources(s))
    .filter(([, resource]) => resource.Type in NAME_PROPERTY)
    .map(([id, resource]) => [resource.Type, id, resource.Properties?.[NAME_PROPERTY[resource.Type] ?? '']]);
}

let unstaged: Synthesized;
let staging: Synthesized;
let production: Synthesized;
beforeAll(() => {
  unstaged = synthesize({}, { bundle: false });
  staging = synthesize({ stage: 'staging' }, { bundle: false });
  production = synthesize({ stage: 'prod', alarmEmail: 'ops@example.com' }, { bundle: false });
});

describe('without -c stage', () => {
  it("keeps today's stack id and lets CloudFormation name every resource, as before stages existed", () => {
    expect(unstaged.stack.stackName).toBe(STACK_ID);
    const named = physicalNames(unstaged).filter(([, , name]) => name !== undefined);
    expect(named).toEqual([]);
  });

  it('keeps the logical ids of the table and the secret, so an existing deployment replaces neither', () => {
    expect(resources(unstaged)[TABLE_LOGICAL_ID]?.Type).toBe('AWS::DynamoDB::Table');
    expect(resources(unstaged)[SECRET_LOGICAL_ID]?.Type).toBe('AWS::SecretsManager::Secret');
  });
});

describe('with -c stage=NAME', () => {
  it('names the stack WhatsappOnce-NAME', () => {
    expect(staging.stack.stackName).toBe(`${STACK_ID}-staging`);
    expect(production.stack.stackName).toBe(`${STACK_ID}-prod`);
  });

  it('gives the table, secret, log groups, alarms, dashboard, queues and topic a name carrying the stage', () => {
    const names = physicalNames(staging);
    const types = new Set(names.map(([type]) => type));
    expect([...types].sort()).toEqual(Object.keys(NAME_PROPERTY).sort());
    for (const [type, id, name] of names) {
      expect(typeof name, `${type} ${id}`).toBe('string');
      expect(String(name), `${type} ${id}`).toMatch(/(^|[-/])staging([-/]|$)/);
    }
  });

  it('shares no physical name between two stages, so both deploy into one account', () => {
    const namesOf = (s: Synthesized) => physicalNames(s).map(([, , name]) => String(name));
    const stagingNames = namesOf(staging);
    expect(new Set(stagingNames).size).toBe(stagingNames.length);
    expect(namesOf(production).filter((name) => stagingNames.includes(name))).toEqual([]);
  });

  it('keeps the same logical ids for the table and the secret as an unstaged stack', () => {
    for (const s of [staging, production]) {
      expect(resources(s)[TABLE_LOGICAL_ID]?.Type).toBe('AWS::DynamoDB::Table');
      expect(resources(s)[SECRET_LOGICAL_ID]?.Type).toBe('AWS::SecretsManager::Secret');
    }
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    for (const s of [staging, production]) {
      const report = nagReport(s.outdir);
      expect(report.conclusion).toBe('success');
      expect(report.violations).toEqual([]);
    }
  });

  it.each(['Staging', 'a_b', '1st', 'prod.eu', 'a-very-long-stage-name-x', ''])(
    'refuses stage=%j, which is not lowercase letters, digits and hyphens, short, starting with a letter',
    (stage) => {
      const context: Record<string, string> = { stage };
      const read = () => readSettings({ tryGetContext: (key: string) => context[key] });
      if (stage === '') expect(read().stage).toBeUndefined();
      else expect(read).toThrow(SettingsError);
    },
  );
});

describe('what survives a redeploy or a destroy', () => {
  it.each([
    ['unstaged', () => unstaged],
    ['staged', () => staging],
  ])('retains the table and the secret in a %s stack', (_, synthesized) => {
    for (const id of [TABLE_LOGICAL_ID, SECRET_LOGICAL_ID]) {
      expect(resources(synthesized())[id], id).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });
});

describe('the synth warning about alarm subscribers', () => {
  const warning = Match.stringLikeRegexp('No alarm subscriber');

  it('warns when no alarmEmail is set, so nobody would hear an alarm', () => {
    Annotations.fromStack(staging.stack).hasWarning('*', warning);
    expect(JSON.stringify(Annotations.fromStack(staging.stack).findWarning('*', warning))).toContain(
      NO_SUBSCRIBER_WARNING,
    );
  });

  it('does not warn once alarmEmail subscribes someone', () => {
    Annotations.fromStack(production.stack).hasNoWarning('*', warning);
  });
});
