import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { headerOf, methodOf, rawBodyOf } from './request';
import { toResponse } from './responses';
import { checkSignature, SIGNATURE_HEADER, type SignatureCheck } from './signature';

const verifiedBodies = new WeakMap<APIGatewayProxyEventV2, Buffer>();

export interface VerifiedBodyOptions {
  appSecret: () => Promise<string>;
  onRejected: (check: Exclude<SignatureCheck, 'valid'>) => void;
}

/**
 * Authenticates every POST by its `X-Hub-Signature-256` over the raw body, before anything parses it.
 * A rejected request ends here with 401; a verified body is handed on through `verifiedBodyOf`.
 */
export function verifiedBody(
  options: VerifiedBodyOptions,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: async (request) => {
      if (methodOf(request.event) !== 'POST') return;
      const body = rawBodyOf(request.event);
      const check = checkSignature(
        body,
        headerOf(request.event, SIGNATURE_HEADER),
        await options.appSecret(),
      );
      if (check !== 'valid') {
        options.onRejected(check);
        return toResponse({ kind: 'signature-rejected', check });
      }
      verifiedBodies.set(request.event, body);
    },
  };
}

/** The verified raw body, or undefined when the signature middleware did not accept this event. */
export const verifiedBodyOf = (event: APIGatewayProxyEventV2): Buffer | undefined =>
  verifiedBodies.get(event);
