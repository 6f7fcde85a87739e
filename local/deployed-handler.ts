import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { applyEnvironment } from './handler-env';

export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** The module users deploy (`lambda/handler.ts`, bundled to `dist/handler.mjs`), relative to this file. */
export const HANDLER_MODULE = '../lambda/handler';

let loaded = false;

/**
 * Imports the deployed handler module after setting the environment it reads at cold start, so the
 * local server runs the very code Lambda runs, configured the same way. Once per process: like a
 * Lambda container, the module reads `process.env` once and keeps its clients.
 */
export async function loadDeployedHandler(env: Record<string, string | undefined>): Promise<HttpApiHandler> {
  if (loaded)
    throw new Error('the handler module is loaded once per process; start one local server per process');
  loaded = true;
  applyEnvironment(env, process.env);
  const module = await import('../lambda/handler');
  return module.handler;
}
