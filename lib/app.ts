import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackIdFor } from './identifiers';
import { readSettings } from './settings';
import { WhatsappOnceStack } from './whatsapp-once-stack';

/** The CDK app with the AwsSolutions checks on, shared by `bin/app.ts` and the infra tests. */
export function createCdkApp(props: AppProps = {}): { app: App; stack: WhatsappOnceStack } {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const settings = readSettings(app.node);
  const stack = new WhatsappOnceStack(app, stackIdFor(settings.stage), {
    description: `whatsapp-once${settings.stage === undefined ? '' : ` (${settings.stage})`}: WhatsApp Cloud API webhook that answers every user message exactly once`,
    settings,
  });
  return { app, stack };
}
