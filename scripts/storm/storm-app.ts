import { type StormApp, type StormAppOptions, stormParts } from './storm-parts';
import { startQueuedStormApp } from './storm-queued-app';
import { webhookFunction } from './webhook-function';

export {
  STORM_ACCESS_TOKEN,
  STORM_SECRET,
  STORM_TIMING,
  type StormApp,
  type StormTiming,
} from './storm-parts';

/**
 * The real functions of the chosen reply mode over a fresh table in DynamoDB Local and a Graph
 * stub on 127.0.0.1, with the plan's faults injected at their ports.
 */
export async function startStormApp(options: StormAppOptions): Promise<StormApp> {
  const parts = await stormParts(options);
  if (options.mode === 'queued') return startQueuedStormApp(parts, options);
  const webhook = webhookFunction(parts, parts.env);
  return {
    graph: parts.graph,
    ledger: parts.ledger,
    invoke: (body) => webhook.invoke(body),
    idle: () => webhook.idle(),
    records: () => parts.table.records(),
    close: () => parts.close(),
  };
}
