import { BYTES_PER_GB, PRICES } from './prices';

/**
 * What one target used in a measured phase, counted outside its code: the counting proxy's DynamoDB
 * requests turned into request units, the host's invocations and handler times, the bytes it printed.
 */
export interface CostUsage {
  /** User messages the phase carried: the cost is per million of these. */
  messages: number;
  /** Webhook POSTs Meta made (messages, copies, redeliveries, statuses): one API Gateway request each. */
  apiRequests: number;
  /** Lambda invocations of every function of the target (the webhook, and the worker in queued mode). */
  invocations: number;
  /** Billed duration (each invocation rounded up to the ms) times memory, over every function. */
  gbSeconds: number;
  writeUnits: number;
  readUnits: number;
  /** Bytes the functions wrote to stdout and stderr (what CloudWatch Logs ingests from them). */
  logBytes: number;
  sqsRequests: number;
}

export const COST_PARTS = [
  'apiGateway',
  'lambdaRequests',
  'lambdaDuration',
  'dynamoDbWrites',
  'dynamoDbReads',
  'logs',
  'sqs',
] as const;
export type CostPart = (typeof COST_PARTS)[number];

export interface CostPerMillion {
  /** US dollars per million messages, by part. */
  parts: Record<CostPart, number>;
  totalUsd: number;
}

/** Prices a target's usage per million messages, part by part; zero messages prices nothing. */
export function costPerMillionMessages(usage: CostUsage): CostPerMillion {
  const perMessage = (count: number) => (usage.messages > 0 ? count / usage.messages : 0);
  const million = (count: number, usdPerUnit: number) => perMessage(count) * 1_000_000 * usdPerUnit;
  const parts: Record<CostPart, number> = {
    apiGateway: million(usage.apiRequests, PRICES.apiGatewayHttpRequest.usd),
    lambdaRequests: million(usage.invocations, PRICES.lambdaRequest.usd),
    lambdaDuration: million(usage.gbSeconds, PRICES.lambdaArmGbSecond.usd),
    dynamoDbWrites: million(usage.writeUnits, PRICES.dynamoDbWriteRequestUnit.usd),
    dynamoDbReads: million(usage.readUnits, PRICES.dynamoDbReadRequestUnit.usd),
    logs: million(usage.logBytes / BYTES_PER_GB, PRICES.cloudWatchLogsIngestedGb.usd),
    sqs: million(usage.sqsRequests, PRICES.sqsStandardRequest.usd),
  };
  return { parts, totalUsd: COST_PARTS.reduce((sum, part) => sum + parts[part], 0) };
}
