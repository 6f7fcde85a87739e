import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackIdFor } from '../../lib/identifiers';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import { STAGE_PATTERN } from '../../lib/stage-names';
import { type Synthesized, synthesize } from './synth';

/** docs/OPERATIONS.md promises that every command in it is one the code takes: this holds it to that. */
const doc = readFileSync('docs/OPERATIONS.md', 'utf8');
const all = (pattern: RegExp, text: string) => [...text.matchAll(pattern)].map((match) => match[1] ?? '');
const commands = all(/```sh\n([\s\S]*?)```/g, doc).join('\n');
const alarmRows = (text: string) => all(/^\| `(\w+)` \|/gm, text);
const section = (heading: string) => {
  const start = doc.indexOf(`\n## ${heading}`);
  const end = doc.indexOf('\n## ', start + 1);
  return start < 0 ? '' : doc.slice(start, end < 0 ? undefined : end);
};
const stages = all(/-c stage=(\S+)/g, commands);

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize({}, { bundle: false });
});

describe('docs/OPERATIONS.md', () => {
  it('runs only npm scripts that exist', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    const used = all(/npm run ([\w:-]+)/g, doc);
    expect(used.length).toBeGreaterThan(0);
    for (const script of used) expect(Object.keys(scripts)).toContain(script);
  });

  it('passes npm run subscribe only the flags it takes', async () => {
    const { stdout: usage } = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), [
      'scripts/subscribe.ts',
      '--help',
    ]);
    const lines = commands.replace(/\\\n\s*/g, ' ').split('\n');
    const flags = lines
      .filter((line) => line.includes('npm run subscribe'))
      .flatMap((line) => all(/ (--[a-z-]+)/g, line));
    expect(flags).toContain('--secret-id');
    for (const flag of new Set(flags)) expect(usage).toContain(flag);
  });

  it('sets only context keys the stack reads', () => {
    const keys = new Set(all(/-c (\w+)=/g, doc));
    expect(keys).toContain('stage');
    for (const key of keys) expect(Object.keys(DEFAULT_SETTINGS)).toContain(key);
  });

  it('uses only stage names the stack accepts, and the stack ids they give', () => {
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage).toMatch(STAGE_PATTERN);
    const stackIds = new Set([stackIdFor(undefined), ...stages.map(stackIdFor)]);
    const named = all(/--stack-name ([\w-]+)/g, commands);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(stackIds).toContain(name);
  });

  it('passes the stage to every cdk command that picks a stack', () => {
    const cdkLines = commands.split('\n').filter((line) => /npx cdk (deploy|destroy|diff)/.test(line));
    expect(cdkLines.length).toBeGreaterThan(0);
    for (const line of cdkLines) expect(line, line).toMatch(/-c stage=/);
  });

  it('tears down: a command for every kind of resource a destroy leaves behind', async () => {
    const staged = synthesize({ stage: 'staging' }, { bundle: false });
    const resources = Object.values(
      staged.template.toJSON().Resources as Record<string, Record<string, unknown>>,
    );
    const kept = new Set(resources.filter((r) => r.DeletionPolicy === 'Retain').map((r) => String(r.Type)));
    const deleteCommand: Record<string, RegExp> = {
      'AWS::DynamoDB::Table': /aws dynamodb delete-table /,
      'AWS::SecretsManager::Secret': /aws secretsmanager delete-secret /,
      'AWS::Logs::LogGroup': /aws logs delete-log-group /,
    };
    expect([...kept].sort()).toEqual(Object.keys(deleteCommand).sort());
    const tearDown = section('Tear down');
    for (const type of kept) {
      expect(tearDown, `no command removes the kept ${type}`).toMatch(deleteCommand[type] ?? /^$/);
    }
  });

  it('names the physical names a staged stack really gives', () => {
    const staged = synthesize({ stage: 'staging' }, { bundle: false });
    const json = JSON.stringify(staged.template.toJSON());
    const named = all(/`(whatsapp-once[-/]staging[\w/-]*)`/g, doc).filter((name) => !name.includes('<'));
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(json, name).toContain(`"${name}`);
  });

  it('links the cost per million messages in BENCHMARKS.md', () => {
    expect(section('Cost per million messages')).toContain('(BENCHMARKS.md#cost-per-million-messages)');
  });

  it('names the stack and the outputs the template has', () => {
    const outputs = Object.keys(synthesized.template.toJSON().Outputs ?? {});
    const named = [...all(/OutputKey=='(\w+)'/g, commands), ...all(/`(\w+)` output/g, doc)];
    expect(named.length).toBeGreaterThan(1);
    for (const name of named) expect(outputs).toContain(name);
  });

  it('explains every alarm the stack creates, and no alarm it does not', () => {
    const created = synthesized.stack.node
      .findAll()
      .filter((construct) => construct instanceof Alarm)
      .map((alarm) => alarm.node.id)
      .sort();
    // The alarms table only: the sections under it (### Which metric means what) have tables too.
    const explained = alarmRows(section('Alarms').split('\n### ')[0] ?? '');
    for (const alarm of created) {
      expect(explained, `docs/OPERATIONS.md does not explain ${alarm}`).toContain(alarm);
    }
    for (const alarm of explained) expect(created).toContain(alarm);
  });

  it('finds the function log group by a logical id prefix that matches it alone', () => {
    const [prefix] = all(/starts_with\(LogicalResourceId, '(\w+)'\)/g, commands);
    const logGroups = Object.keys(synthesized.template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.filter((id) => id.startsWith(prefix ?? '?'))).toHaveLength(1);
  });
});
