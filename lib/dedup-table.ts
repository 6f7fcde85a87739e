import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../lambda/config/table-schema';
import type { StageNames } from './stage-names';

/**
 * One item per inbound message, keyed exactly as the handler writes it. Named only in a staged stack
 * (`whatsapp-once-<stage>-dedup`), so two stages never collide; RETAIN because losing the records
 * mid-retry-window would let Meta's redeliveries be answered twice. The stream (new images) feeds the queued-mode worker; it is on in both reply modes,
 * so a switch of mode never strands a record that was queued before it.
 */
export class DedupTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, names: StageNames) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      ...names.optional('tableName', 'dedup'),
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // TTL only tidies up: the handler compares expiresAt itself, since TTL deletion lags by days.
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      // The worker needs only what a write left: the queued claim carries the reply's inputs.
      stream: StreamViewType.NEW_IMAGE,
    });
  }
}
