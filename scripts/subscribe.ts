import { parseArgs } from 'node:util';
import { DEFAULTS } from '../lambda/config/config';
import { ENV } from '../lambda/config/env-names';
import { GraphCallError, type SubscriptionInput, subscribe, subscriptionCalls } from './meta-subscription';

/**
 * `npm run subscribe -- --app-id ... --waba-id ... --callback-url ... [--dry-run]`
 * Registers the deployed callback URL with Meta and subscribes the WhatsApp Business Account to the
 * app. Credentials come from the environment (the runtime's variable names), never from flags, so
 * they stay out of shell history and process listings.
 */
const USAGE = `Usage: npm run subscribe -- --app-id <id> --waba-id <id> --callback-url <url> [--fields messages] [--dry-run]
Environment: ${ENV.appSecret}, ${ENV.accessToken}, ${ENV.verifyToken} (the values in the stack's secret);
optional ${ENV.graphBaseUrl}, ${ENV.graphVersion}.`;

const { values } = parseArgs({
  options: {
    'app-id': { type: 'string' },
    'waba-id': { type: 'string' },
    'callback-url': { type: 'string' },
    fields: { type: 'string', default: 'messages' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const env = (name: string) => {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
};
const required: [string, string | undefined][] = [
  ['--app-id', values['app-id']],
  ['--waba-id', values['waba-id']],
  ['--callback-url', values['callback-url']],
  [ENV.appSecret, env(ENV.appSecret)],
  [ENV.accessToken, env(ENV.accessToken)],
  [ENV.verifyToken, env(ENV.verifyToken)],
];
const missing = required.filter(([, value]) => value === undefined).map(([name]) => name);
if (missing.length > 0) {
  console.error(`Missing: ${missing.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const callbackUrl = values['callback-url'] ?? '';
if (!/^https:\/\//.test(callbackUrl) && !values['dry-run']) {
  console.error('Meta only calls https callback URLs: use the CallbackUrl output of the stack.');
  process.exit(2);
}

const input: SubscriptionInput = {
  graphBaseUrl: env(ENV.graphBaseUrl) ?? DEFAULTS.graphBaseUrl,
  graphVersion: env(ENV.graphVersion) ?? DEFAULTS.graphVersion,
  appId: values['app-id'] ?? '',
  appSecret: env(ENV.appSecret) ?? '',
  wabaId: values['waba-id'] ?? '',
  accessToken: env(ENV.accessToken) ?? '',
  callbackUrl,
  verifyToken: env(ENV.verifyToken) ?? '',
  fields: values.fields.split(',').map((field) => field.trim()),
};

if (values['dry-run']) {
  for (const call of subscriptionCalls(input)) {
    console.log(`# ${call.description}\n${call.method} ${call.url}`);
    for (const [name, value] of Object.entries(call.redacted.headers)) console.log(`${name}: ${value}`);
    if (call.redacted.body !== undefined) console.log(`\n${call.redacted.body}`);
    console.log('');
  }
  console.log('Dry run: nothing was sent.');
} else {
  try {
    for (const call of await subscribe(input)) console.log(`ok: ${call.description}`);
    console.log(`Meta now delivers "${input.fields.join(',')}" webhooks to ${callbackUrl}`);
  } catch (error) {
    if (!(error instanceof GraphCallError)) throw error;
    console.error(error.message);
    if (error.graphError?.code === 2200) {
      console.error(
        `Meta could not verify the callback: is the stack deployed, and does the secret's verifyToken equal ${ENV.verifyToken}?`,
      );
    }
    process.exit(1);
  }
}
