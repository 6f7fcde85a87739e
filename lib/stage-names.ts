/**
 * `-c stage=NAME`: lowercase letters, digits and hyphens, starting with a letter, short enough that
 * the longest derived name (an alarm's) stays within every service's limit.
 */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

const SERVICE_PREFIX = 'whatsapp-once';

/**
 * Physical names of a staged stack's named resources, all carrying the stage, so several stages sit
 * side by side in one account and an operator tells them apart in every console. Without a stage
 * nothing is named and CloudFormation keeps generating the names it always has: an existing
 * deployment sees no change, and no resource is replaced.
 */
export interface StageNames {
  readonly stage: string | undefined;
  /** `{ [prop]: "whatsapp-once-<stage>-<suffix>" }` in a staged stack, `{}` otherwise. */
  optional<K extends string>(prop: K, suffix: string): Partial<Record<K, string>>;
  /** The secret's name, a path: `whatsapp-once/<stage>`. */
  secret(): { secretName?: string };
  /** A log group's name, a path: `/whatsapp-once/<stage>/<suffix>`. */
  logGroup(suffix: string): { logGroupName?: string };
}

export function stageNames(stage: string | undefined): StageNames {
  const named = <K extends string>(prop: K, value: string) => ({ [prop]: value }) as Record<K, string>;
  if (stage === undefined) {
    return { stage, optional: () => ({}), secret: () => ({}), logGroup: () => ({}) };
  }
  return {
    stage,
    optional: (prop, suffix) => named(prop, `${SERVICE_PREFIX}-${stage}-${suffix}`),
    secret: () => ({ secretName: `${SERVICE_PREFIX}/${stage}` }),
    logGroup: (suffix) => ({ logGroupName: `/${SERVICE_PREFIX}/${stage}/${suffix}` }),
  };
}
