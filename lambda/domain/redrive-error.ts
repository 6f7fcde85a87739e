/** The re-drive queue could not be written; the trigger at hand must not be acknowledged. */
export class RedriveError extends Error {
  override name = 'RedriveError';
  constructor(options: { cause: unknown }) {
    super('Scheduling a re-drive failed', options);
  }
}
