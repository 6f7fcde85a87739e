import { parseArgs } from 'node:util';
import type { WhatsAppSecrets } from '../lambda/config/config';
import { DEFAULTS } from '../lambda/config/config';
import { ENV } from '../lambda/config/env-names';
import { GraphCallError, type SubscriptionInput, subscribe, subscriptionCalls } from './meta-subscription';
import {
  SubscriptionSecretsError,
  secretsFromEnvironment,
  secretsFromSecretsManager,
  unfilledSecrets,
} from './subscription-secrets';

/**
 * `npm run subscribe -- --secret-id <SecretId> --app-id ... --waba-id ... --callback-url ... [--dry-run]`
 * Registers the deployed callback URL with Meta and subscribes the WhatsApp Business Account to the
 * app. Credentials come from the stack's secret (or the runtime's variables), never from flags, and
 * nothing secret is ever printed, not even a prefix.
 */
const USAGE = `Usage: npm run subscribe -- --secret-id <SecretId> --app-id <id> --waba-id <id> --callback-url <url> [--fields messages] [--dry-run]
Credentials: read from the secret named by --secret-id (the stack's SecretId output) with your usual
AWS settings, or, without --secret-id, from ${ENV.appSecret}, ${ENV.accessToken}, ${ENV.verifyToken}.
Optional: ${ENV.graphBaseUrl}, ${ENV.graphVersion}.`;

const { values } = parseArgs({
  options: {
    'secret-id': { type: 'string' },
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
const fromEnvironment = secretsFromEnvironment(process.env);
const secretId = values['secret-id'];
const missing: string[] = (
  [
    ['--app-id', values['app-id']],
    ['--waba-id', values['waba-id']],
    ['--callback-url', values['callback-url']],
  ] as const
)
  .filter(([, value]) => value === undefined)
  .map(([name]) => name);
if (secretId === undefined && fromEnvironment.kind === 'missing') {
  missing.push(`--secret-id (or ${fromEnvironment.names.join(', ')})`);
}
if (missing.length > 0) fail(`Missing: ${missing.join(', ')}\n${USAGE}`);
if (secretId !== undefined && [ENV.appSecret, ENV.accessToken, ENV.verifyToken].some((name) => env(name))) {
  fail(`Give either --secret-id or the ${ENV.appSecret}, ... variables, not both.`);
}
const callbackUrl = values['callback-url'] ?? '';
if (!/^https:\/\//.test(callbackUrl) && !values['dry-run']) {
  fail('Meta only calls https callback URLs: use the CallbackUrl output of the stack.');
}

const secrets = await loadSecrets();
const unfilled = unfilledSecrets(secrets);
if (unfilled.length > 0) {
  fail(`The secret still holds placeholders (${unfilled.join(', ')}): fill it first (docs/OPERATIONS.md).`);
}

const input: SubscriptionInput = {
  graphBaseUrl: env(ENV.graphBaseUrl) ?? DEFAULTS.graphBaseUrl,
  graphVersion: env(ENV.graphVersion) ?? DEFAULTS.graphVersion,
  appId: values['app-id'] ?? '',
  wabaId: values['waba-id'] ?? '',
  callbackUrl,
  ...secrets,
  fields: values.fields.split(',').map((field) => field.trim()),
};

if (values['dry-run']) {
  for (const call of subscriptionCalls(input)) {
    console.log(`# ${call.description}\n${call.method} ${call.url}`);
    for (const [name, value] of Object.entries(call.redacted.headers)) console.log(`${name}: ${value}`);
    if (call.redacted.body !== undefined) console.log(`\n${call.redacted.body}`);
    console.log('');
  }
  console.log('Dry run: nothing was sent. Credentials are shown by name only.');
} else {
  try {
    for (const call of await subscribe(input)) console.log(`ok: ${call.description}`);
    console.log(`Meta now delivers "${input.fields.join(',')}" webhooks to ${callbackUrl}`);
  } catch (error) {
    if (!(error instanceof GraphCallError)) throw error;
    console.error(error.message);
    if (error.graphError?.code === 2200) {
      console.error(
        "Meta could not verify the callback: is the stack deployed, and is this the secret's verifyToken?",
      );
    }
    process.exit(1);
  }
}

async function loadSecrets(): Promise<WhatsAppSecrets> {
  if (secretId === undefined) {
    if (fromEnvironment.kind === 'found') return fromEnvironment.secrets;
    return fail('unreachable: missing variables were reported above');
  }
  try {
    return await secretsFromSecretsManager(secretId);
  } catch (error) {
    if (
      error instanceof SubscriptionSecretsError ||
      (error instanceof Error && error.name === 'SecretsError')
    ) {
      return fail(error.message);
    }
    throw error;
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
