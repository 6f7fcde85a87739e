import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { protocolLog } from '../../../lambda/observability/protocol-log';

const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };

function observed() {
  const logger = new Logger({ serviceName: 'test' });
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const warn = vi.spyOn(logger, 'warn');
  const error = vi.spyOn(logger, 'error');
  const info = vi.spyOn(logger, 'info');
  const debug = vi.spyOn(logger, 'debug');
  const addMetric = vi.spyOn(metrics, 'addMetric');
  return { observer: protocolLog(logger, metrics), warn, error, info, debug, addMetric, metrics };
}

describe('protocolLog', () => {
  it('logs a done duplicate with the wording operators search for', () => {
    const o = observed();
    o.observer.duplicate(KEY, 'already-processed');
    expect(o.warn).toHaveBeenCalledWith('Duplicate Message Detected - Already Processed', {
      message_id: 'wamid.A',
      tenant_id: '106540352242922',
      outcome: 'duplicate',
      reason: 'already-processed',
    });
  });

  it('logs an in-flight duplicate with the wording operators search for', () => {
    const o = observed();
    o.observer.duplicate(KEY, 'in-flight');
    expect(o.warn).toHaveBeenCalledWith(
      'Duplicate Message Detected - Currently Being Processed',
      expect.objectContaining({ message_id: 'wamid.A', tenant_id: '106540352242922' }),
    );
  });

  it('counts duplicates by reason in their own metric', () => {
    const o = observed();
    const single = o.metrics.singleMetric();
    const addDimension = vi.spyOn(single, 'addDimension');
    const add = vi.spyOn(single, 'addMetric');
    vi.spyOn(o.metrics, 'singleMetric').mockReturnValue(single);
    o.observer.duplicate(KEY, 'in-flight');
    expect(addDimension).toHaveBeenCalledWith('reason', 'in-flight');
    expect(add).toHaveBeenCalledWith('DuplicatesSuppressed', 'Count', 1);
  });

  it('logs a refused fenced write as an error', () => {
    const o = observed();
    o.observer.settleWrite(KEY, 'complete', 'fenced-out');
    expect(o.error).toHaveBeenCalledWith(
      'Fenced write refused: the message was taken over or settled meanwhile',
      expect.objectContaining({ write: 'complete' }),
    );
  });

  it('counts replies sent', () => {
    const o = observed();
    o.observer.replySent(KEY, 1);
    expect(o.addMetric).toHaveBeenCalledWith('RepliesSent', 'Count', 1);
  });

  it('logs only the error name and message of a store failure', () => {
    const o = observed();
    const failure = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $response: { big: 'x' },
    });
    o.observer.storeError(KEY, 'claim', failure);
    expect(o.error).toHaveBeenCalledWith('Claim store error', {
      message_id: 'wamid.A',
      tenant_id: '106540352242922',
      operation: 'claim',
      error: { name: 'ThrottlingException', message: 'Rate exceeded' },
    });
  });
});

describe('protocolLog at the default level', () => {
  it('keeps a first claim and a reply sent out of INFO, where they would be most of the log bill', () => {
    const o = observed();
    o.observer.claimed(KEY, 1, undefined);
    o.observer.replySent(KEY, 1);
    expect(o.info).not.toHaveBeenCalled();
    expect(o.debug).toHaveBeenCalledWith('Message claimed', expect.objectContaining({ attempt: 1 }));
    expect(o.debug).toHaveBeenCalledWith('Reply sent', expect.objectContaining({ outcome: 'replied' }));
  });

  it('logs a takeover claim at INFO', () => {
    const o = observed();
    o.observer.claimed(KEY, 2, 'unknown');
    expect(o.info).toHaveBeenCalledWith(
      'Message claimed',
      expect.objectContaining({ attempt: 2, replaced_state: 'unknown' }),
    );
  });
});
