import { buildApp } from './app/build-app';
import { webhookHandler } from './webhook-chain';

// Built once per container. Config is validated here, so a bad deployment fails loudly at cold start.
export const handler = webhookHandler(buildApp(process.env));
