import { ENV } from '../lambda/config/env-names';

/**
 * Names that tools outside the CDK code rely on (SAM, `npm run invoke`, the README), in one module with
 * no CDK import, so scripts can read them without loading aws-cdk-lib.
 */
/** The stack id, and so the template SAM reads: `cdk.out/WhatsappOnce.template.json`. */
export const STACK_ID = 'WhatsappOnce';

/** A staged stack's id (`-c stage=NAME`): `WhatsappOnce-NAME`, so stages deploy side by side. */
export const stackIdFor = (stage: string | undefined): string =>
  stage === undefined ? STACK_ID : `${STACK_ID}-${stage}`;

/** Stable logical id, so `sam local invoke WebhookFunction` keeps working when construct paths change. */
export const FUNCTION_LOGICAL_ID = 'WebhookFunction';

/** Stable logical ids of the queued-mode functions: `sam local invoke WorkerFunction -e <stream event>`. */
export const WORKER_LOGICAL_ID = 'WorkerFunction';
export const REDRIVE_LOGICAL_ID = 'RedriveFunction';

/** The one path Meta calls: GET for the subscription handshake, POST for every webhook. */
export const WEBHOOK_PATH = '/webhook';

/**
 * Declared (empty) only by a `-c localInvoke=true` synth, because `sam local invoke --env-vars` only
 * overrides variables the template declares. A deployed template never names the secret variables.
 */
export const LOCAL_INVOKE_VARIABLES = [
  ENV.appSecret,
  ENV.accessToken,
  ENV.verifyToken,
  ENV.graphBaseUrl,
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;
