import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { SecretsProvider } from '../config/secrets';
import { authenticatePost, type CredentialObserver } from './credential-checks';
import { headerOf, methodOf, rawBodyOf } from './request';
import { toResponse } from './responses';
import { SIGNATURE_HEADER } from './signature';

const verifiedBodies = new WeakMap<APIGatewayProxyEventV2, Buffer>();

export interface VerifiedBodyOptions {
  secrets: SecretsProvider;
  observer: CredentialObserver;
}

/**
 * Authenticates every POST by its `X-Hub-Signature-256` over the raw body, before anything parses it.
 * A rejected request ends here with 401, one the secret cannot judge yet with "not configured"; a
 * verified body is handed on through `verifiedBodyOf`.
 */
export function verifiedBody(
  options: VerifiedBodyOptions,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: async (request) => {
      if (methodOf(request.event) !== 'POST') return;
      const body = rawBodyOf(request.event);
      const signature = headerOf(request.event, SIGNATURE_HEADER);
      const authentication = await authenticatePost(options.secrets, body, signature, options.observer);
      switch (authentication.kind) {
        case 'rejected':
          return toResponse({ kind: 'signature-rejected', check: authentication.check });
        case 'not-configured':
          return toResponse({ kind: 'not-configured', placeholders: authentication.placeholders });
        case 'verified':
          verifiedBodies.set(request.event, body);
          return;
      }
    },
  };
}

/** The verified raw body, or undefined when the signature middleware did not accept this event. */
export const verifiedBodyOf = (event: APIGatewayProxyEventV2): Buffer | undefined =>
  verifiedBodies.get(event);
