import type { Template } from 'aws-cdk-lib/assertions';

/** One statement of a function's role, its actions sorted so a test can compare exact lists. */
export interface Permission {
  effect: unknown;
  actions: string[];
  resource: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The logical id of the role a function runs with (`Role: { Fn::GetAtt: [roleId, 'Arn'] }`). */
export function roleOf(template: Template, functionLogicalId: string): string {
  const fn: unknown = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  const role = isRecord(fn) && isRecord(fn.Properties) ? fn.Properties.Role : undefined;
  const getAtt = isRecord(role) ? role['Fn::GetAtt'] : undefined;
  if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string')
    throw new Error(`${functionLogicalId} has no role`);
  return getAtt[0];
}

/** Every statement of every policy attached to the function's role. */
export function permissionsOf(template: Template, functionLogicalId: string): Permission[] {
  const roleId = roleOf(template, functionLogicalId);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter(isRecord)
    .map((policy) => (isRecord(policy.Properties) ? policy.Properties : {}))
    .filter((properties) => JSON.stringify(properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((properties) => {
      const document = properties.PolicyDocument;
      return isRecord(document) && Array.isArray(document.Statement) ? document.Statement : [];
    })
    .filter(isRecord)
    .map((statement) => ({
      effect: statement.Effect,
      actions: [statement.Action].flat().map(String).sort(),
      resource: statement.Resource,
    }));
}
