import type { ClaimOperation } from './ports';

/** The store could not be reached or refused the request (throttling, outage, an unreadable record). */
export class ClaimStoreError extends Error {
  override name = 'ClaimStoreError';
  constructor(
    readonly operation: ClaimOperation,
    options: { cause: unknown },
  ) {
    super(`Claim store ${operation} failed`, options);
  }
}

/** By name, not instanceof: two copies of a module in a bundle must still agree. */
export const isStoreError = (error: unknown): error is ClaimStoreError =>
  error instanceof Error && error.name === 'ClaimStoreError';
