import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { isRecord } from '../../lambda/json-object';
import { createCdkApp } from '../../lib/app';
import type { WhatsappOnceStack } from '../../lib/whatsapp-once-stack';

const records = (value: unknown) => (Array.isArray(value) ? value.filter(isRecord) : []);

/** The context `cdk synth` gets from cdk.json (feature flags included), so tests see the CLI's template. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync('cdk.json', 'utf8'));
  return isRecord(cdkJson) && isRecord(cdkJson.context) ? { ...cdkJson.context } : {};
}

export interface Synthesized {
  app: App;
  stack: WhatsappOnceStack;
  template: Template;
  templatePath: string;
  outdir: string;
}

/**
 * Builds the app exactly as bin/app.ts does (cdk-nag on) with extra context, and synthesizes it into a
 * fresh folder. Synthesis throws if cdk-nag reports an unacknowledged finding.
 */
export function synthesize(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'whatsapp-once-synth-'));
  const { app, stack } = createCdkApp({
    outdir,
    context: {
      ...cdkJsonContext(),
      // What the cdk CLI turns on by default: the metadata SAM reads to find each function's code.
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:enable-path-metadata': true,
      ...context,
      // Bundling is what `sam local invoke` and `npm run invoke` need; template checks can skip it.
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const assembly = app.synth();
  const templatePath = join(outdir, `${stack.artifactId}.template.json`);
  return {
    app,
    stack,
    template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template),
    templatePath,
    outdir,
  };
}

export interface NagReport {
  conclusion: string;
  violations: { ruleName: string }[];
  suppressed: { ruleName: string; reason: string; acknowledgedAt: string }[];
}

/** The AwsSolutions part of the validation report CDK writes next to the template. */
export function nagReport(outdir: string): NagReport {
  const report: unknown = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  const plugin = records(isRecord(report) ? report.pluginReports : undefined).find(
    (entry) => entry.pluginName === 'AwsSolutions',
  );
  if (plugin === undefined) throw new Error('no AwsSolutions report: cdk-nag did not run');
  return {
    conclusion: String(plugin.conclusion),
    violations: records(plugin.violations).map((v) => ({ ruleName: String(v.ruleName) })),
    suppressed: records(plugin.suppressedViolations).map((v) => ({
      ruleName: String(v.ruleName),
      reason: String(v.reason),
      acknowledgedAt: String(v.acknowledgedAt),
    })),
  };
}
