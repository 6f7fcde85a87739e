import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_ID } from '../../lib/identifiers';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import { type Synthesized, synthesize } from './synth';

/** docs/OPERATIONS.md promises that every command in it is one the code takes: this holds it to that. */
const doc = readFileSync('docs/OPERATIONS.md', 'utf8');
const all = (pattern: RegExp, text: string) => [...text.matchAll(pattern)].map((match) => match[1] ?? '');
const commands = all(/```sh\n([\s\S]*?)```/g, doc).join('\n');
const alarmRows = (text: string) => all(/^\| `(\w+)` \|/gm, text);

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

  it('sets only context keys the stack reads, and calls -c stage planned for as long as it is', () => {
    const keys = new Set(all(/-c (\w+)=/g, doc));
    const settings = Object.keys(DEFAULT_SETTINGS);
    for (const key of keys) {
      if (key === 'stage') {
        expect(settings, 'stages exist now: rewrite the "Stages" paragraph').not.toContain('stage');
        expect(doc).toMatch(/`-c stage=NAME`[^.]*planned in issue\s+#14 and \*\*does not exist yet\*\*/);
      } else {
        expect(settings).toContain(key);
      }
    }
  });

  it('names the stack and the outputs the template has', () => {
    expect(all(/--stack-name (\w+)/g, commands).every((name) => name === STACK_ID)).toBe(true);
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
    // The alarms section, and queued mode's own table (its worker, re-drive queue and dead letters).
    const explained = [
      ...alarmRows(doc.slice(doc.indexOf('## Alarms'), doc.indexOf('## Replay'))),
      ...alarmRows(doc.slice(doc.indexOf('## Queued mode'))),
    ];
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
