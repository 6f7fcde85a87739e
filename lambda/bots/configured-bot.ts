import type { BotConfig } from '../config/config';
import { BOT_SECRET_KEY, ENV } from '../config/env-names';
import type { SecretsProvider } from '../config/secrets';
import { type Bot, BotError } from '../domain/bot';
import type { BotEndpoint } from './bot-http';
import { httpBot } from './http-bot';
import { inCodeBot } from './in-code-bot';
import { rasaBot } from './rasa-bot';

/** The bot the config names: the in-code bot, or an HTTP bot speaking v1 or Rasa's REST channel. */
export function configuredBot(
  config: BotConfig,
  secrets: SecretsProvider,
  fetch?: typeof globalThis.fetch,
): Bot {
  if (config.kind === 'in-code') return inCodeBot;
  const endpoint: BotEndpoint = {
    url: config.url,
    timeoutMs: config.timeoutMs,
    secret: botSecret(config, secrets),
    ...(fetch ? { fetch } : {}),
  };
  return config.protocol === 'rasa' ? rasaBot(endpoint) : httpBot(endpoint);
}

function botSecret(config: Extract<BotConfig, { kind: 'http' }>, secrets: SecretsProvider) {
  const source = config.secret;
  if (source.kind === 'environment') return async () => source.value;
  return async () => {
    const value = (await secrets.current()).botSecret;
    // Our protocol is always signed: a missing key is a setup error, retried until it is fixed.
    if (value === undefined && config.protocol !== 'rasa') {
      throw new BotError(`the secret named by ${ENV.secretId} has no "${BOT_SECRET_KEY}" for ${ENV.botUrl}`);
    }
    return value;
  };
}
