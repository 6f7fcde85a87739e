import { Ajv, type ValidateFunction } from 'ajv';
import type { BotAnswer, BotUser, InboundContent, Referral } from '../domain/bot';
import { BOT_PROTOCOL_SCHEMA } from './protocol-schema';

// Validators compiled once per container from the protocol's one schema: the HTTP bot's response,
// and the inbound content a queued record carries (written by us, but read back from storage).

// strictRequired off: media's "exactly one of id and link" names them in `oneOf` branches.
const ajv = new Ajv({ strict: true, strictRequired: false, discriminator: true });
ajv.addSchema(BOT_PROTOCOL_SCHEMA, 'protocol');
const compile = <T>(definition: string): ValidateFunction<T> =>
  ajv.getSchema<T>(`protocol#/definitions/${definition}`) ?? missing(definition);

function missing(definition: string): never {
  throw new Error(`bot protocol schema has no definition ${definition}`);
}

export interface BotResponse {
  version: 1;
  replies: BotAnswer;
}

export const isBotResponse = compile<BotResponse>('response');
export const isInboundContent = compile<InboundContent>('inboundContent');
export const isBotUser = compile<BotUser>('user');
export const isReferral = compile<Referral>('referral');

/** The first problem ajv found, as a JSON pointer and a reason; names fields, never values. */
export function firstProblem(validate: ValidateFunction): string {
  const [error] = validate.errors ?? [];
  return error ? `${error.instancePath || '/'} ${error.message ?? 'is invalid'}` : 'is invalid';
}
