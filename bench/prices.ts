/**
 * Every unit price the bench's cost model uses: on-demand, US East (N. Virginia), arm64, list prices
 * without free tiers, volume tiers or savings plans (a million messages a month sits in every first
 * tier). Each price names where it was read and when. AWS's own pricing pages render their rate
 * tables client-side, so where the figure itself could only be read from a page quoting AWS, the
 * source says so; `verified` is true only where an AWS page showed the figure.
 */
export interface UnitPrice {
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  source: string;
  read: string;
  verified: boolean;
  note?: string;
}

const READ = '2026-12-05';

export const PRICES = {
  apiGatewayHttpRequest: {
    usd: 1.0 / 1_000_000,
    unit: 'HTTP API request (first 300 million a month)',
    source:
      'Amazon API Gateway pricing, aws.amazon.com/api-gateway/pricing/ (HTTP APIs); figure as quoted by learnaws.org "API Gateway pricing" and apigatewaycost.com',
    read: READ,
    verified: false,
    note: 'HTTP APIs are metered in 512 KB increments; a webhook is far smaller.',
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    unit: 'Lambda request (invocation)',
    source:
      'AWS Lambda pricing, aws.amazon.com/lambda/pricing/; figure as quoted by a transcription of that page (api-evangelist/aws-lambda plans: "$0.20 per million requests") and by cloudchipr.com',
    read: READ,
    verified: false,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second of Lambda duration on arm64 (first 7.5 billion GB-s a month)',
    source:
      'AWS Lambda pricing, aws.amazon.com/lambda/pricing/; figure as quoted by cloudchipr.com "AWS Lambda Pricing Breakdown" and in artillery 2.0.28 lib/platform/aws-lambda/prices.js (arm64 base 1333340e-11)',
    read: READ,
    verified: false,
    note: 'Duration is billed per 1 ms, rounded up, for each invocation.',
  },
  dynamoDbWriteRequestUnit: {
    usd: 0.625 / 1_000_000,
    unit: 'DynamoDB on-demand write request unit (standard table class)',
    source:
      'Amazon DynamoDB pricing for on-demand capacity, aws.amazon.com/dynamodb/pricing/on-demand/ (unit definitions); figure after the 50 % on-demand price cut of 1 Nov 2024 as quoted by airbyte.com "DynamoDB pricing" and jusdb.com',
    read: READ,
    verified: false,
    note: 'One unit writes an item up to 1 KB; a write refused by its condition is billed like one that succeeds. Before Nov 2024: $1.25 per million.',
  },
  dynamoDbReadRequestUnit: {
    usd: 0.125 / 1_000_000,
    unit: 'DynamoDB on-demand read request unit (standard table class)',
    source:
      'Amazon DynamoDB pricing for on-demand capacity, aws.amazon.com/dynamodb/pricing/on-demand/ (unit definitions: a strongly consistent read up to 4 KB is one unit, an eventually consistent one half); figure after the Nov 2024 cut as quoted by airbyte.com "DynamoDB pricing"',
    read: READ,
    verified: false,
    note: 'Before Nov 2024: $0.25 per million.',
  },
  dynamoDbStreamReadByLambda: {
    usd: 0,
    unit: 'DynamoDB Streams GetRecords call made by a Lambda trigger',
    source:
      'Amazon DynamoDB Developer Guide, "Evaluate your Streams usage" (amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html, read on the docs.amazonaws.cn copy): "Read requests made by AWS Lambda-based consumers of DynamoDB Streams are free"',
    read: READ,
    verified: true,
  },
  cloudWatchLogsIngestedGb: {
    usd: 0.5,
    unit: 'GB of CloudWatch Logs ingested (Standard log class)',
    source:
      'Amazon CloudWatch pricing, aws.amazon.com/cloudwatch/pricing/ (Logs, Collect); figure as quoted by c3x.dev "CloudWatch Logs cost optimization" and hykell.com "AWS CloudWatch Logs pricing"',
    read: READ,
    verified: false,
    note: 'EMF metric lines are log lines and are billed here too; storage and Logs Insights scans are left out.',
  },
  sqsStandardRequest: {
    usd: 0.4 / 1_000_000,
    unit: 'SQS standard queue request (each 64 KB chunk of a payload)',
    source:
      'Amazon SQS pricing, aws.amazon.com/sqs/pricing/; figure as quoted by cloudburn.io "Amazon SQS Pricing" and unanswered.io',
    read: READ,
    verified: false,
  },
} as const satisfies Record<string, UnitPrice>;

export type PriceName = keyof typeof PRICES;

/** Bytes in a GB as CloudWatch bills it (decimal gigabytes). */
export const BYTES_PER_GB = 1_000_000_000;
