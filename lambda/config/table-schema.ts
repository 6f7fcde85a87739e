/** Attribute names of the dedup table, shared by the runtime, the CDK table and the tests. */
export const TABLE_SCHEMA = { partitionKey: 'pk', ttlAttribute: 'expiresAt' } as const;
