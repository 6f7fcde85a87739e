import type { ValidateFunction } from 'ajv';
import type { BotAnswer } from '../domain/bot';
import { BOT_PROTOCOL_SCHEMA } from './protocol-schema';

// The HTTP bot's response checked against the protocol's one schema. ajv and the compiled validator
// are loaded on the first response, not at cold start: a deployment with the in-code bot (and every
// webhook container's start) never pays for the schema compiler.

export interface BotResponse {
  version: 1;
  replies: BotAnswer;
}

let responseValidator: Promise<ValidateFunction<BotResponse>> | undefined;

export function botResponseValidator(): Promise<ValidateFunction<BotResponse>> {
  responseValidator ??= compileResponseValidator();
  return responseValidator;
}

async function compileResponseValidator(): Promise<ValidateFunction<BotResponse>> {
  const { Ajv } = await import('ajv');
  // strictRequired off: media's "exactly one of id and link" names them in `oneOf` branches.
  const ajv = new Ajv({ strict: true, strictRequired: false, discriminator: true });
  ajv.addSchema(BOT_PROTOCOL_SCHEMA, 'protocol');
  const validate = ajv.getSchema<BotResponse>('protocol#/definitions/response');
  if (validate === undefined) throw new Error('the bot protocol schema has no response definition');
  return validate;
}

/** The first problem ajv found, as a JSON pointer and a reason; names fields, never values. */
export function firstProblem(validate: ValidateFunction): string {
  const [error] = validate.errors ?? [];
  return error ? `${error.instancePath || '/'} ${error.message ?? 'is invalid'}` : 'is invalid';
}
