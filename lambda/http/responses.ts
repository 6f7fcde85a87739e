import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SecretName } from '../config/secret-placeholder';
import type { DeliveryOutcome } from '../domain/handle-delivery';
import type { HandshakeResult } from './handshake';
import type { SignatureCheck } from './signature';

/** Every way a request can end; `toResponse` is the only place that turns one into an HTTP status. */
export type WebhookAnswer =
  | { kind: 'handshake'; result: HandshakeResult }
  | { kind: 'method-not-allowed'; method: string }
  | { kind: 'signature-rejected'; check: Exclude<SignatureCheck, 'valid'> }
  | { kind: 'not-configured'; placeholders: SecretName[] }
  | { kind: 'not-json' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'delivery'; outcome: DeliveryOutcome }
  | { kind: 'internal-error' };

export function statusOf(answer: WebhookAnswer): number {
  switch (answer.kind) {
    case 'handshake':
      switch (answer.result.kind) {
        case 'verified':
          return 200;
        case 'missing-params':
        case 'repeated-params':
          return 400;
        case 'wrong-mode':
        case 'wrong-token':
          return 403;
      }
      break;
    case 'method-not-allowed':
      return 405;
    case 'signature-rejected':
      return 401;
    // Not the caller's fault (not 401: nothing says the webhook is forged) and temporary: Meta
    // delivers again for days, so messages sent before the secret is filled are answered after.
    case 'not-configured':
      return 503;
    case 'not-json':
      return 400;
    case 'ignored':
      return 200;
    case 'delivery':
      if (answer.outcome.complete) return 200;
      // Nothing durably recorded (store down): 500. Recorded but not finished: 503, come back later.
      return answer.outcome.messages.some((m) => m.kind === 'store-error') ||
        answer.outcome.statusFailures > 0
        ? 500
        : 503;
    case 'internal-error':
      return 500;
  }
}

export function toResponse(answer: WebhookAnswer): APIGatewayProxyStructuredResultV2 {
  const statusCode = statusOf(answer);
  if (answer.kind === 'handshake' && answer.result.kind === 'verified') {
    return { statusCode, headers: { 'content-type': 'text/plain' }, body: answer.result.challenge };
  }
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(bodyOf(answer, statusCode)),
  };
}

function bodyOf(answer: WebhookAnswer, statusCode: number): Record<string, unknown> {
  switch (answer.kind) {
    case 'handshake':
      return { error: handshakeError(answer.result) };
    case 'method-not-allowed':
      return { error: `method ${answer.method} not allowed; use GET for the handshake, POST for events` };
    case 'signature-rejected':
      return { error: `signature ${answer.check}` };
    case 'not-configured':
      return {
        error: 'not configured',
        detail: `the WhatsApp secret still holds placeholder values (${answer.placeholders.join(', ')}); put the real values in it`,
      };
    case 'not-json':
      return { error: 'body is not valid JSON' };
    case 'ignored':
      return { status: 'ignored', reason: answer.reason };
    case 'delivery':
      return statusCode === 200
        ? { status: 'ok', messages: answer.outcome.messages.length }
        : { error: 'not every message is settled yet; deliver again later' };
    case 'internal-error':
      return { error: 'internal error' };
  }
}

function handshakeError(result: HandshakeResult): string {
  switch (result.kind) {
    case 'missing-params':
      return `missing ${result.missing.join(', ')}`;
    case 'repeated-params':
      return `repeated ${result.repeated.join(', ')}`;
    case 'wrong-mode':
      return 'hub.mode must be subscribe';
    case 'wrong-token':
      return 'verify token does not match';
    case 'verified':
      return '';
  }
}
