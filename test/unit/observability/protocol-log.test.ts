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

  it('counts a closed window and a stale message composed, the same in either reply mode', () => {
    const o = observed();
    o.observer.windowClosed(KEY);
    o.observer.staleComposed(KEY, 7_200);
    expect(o.addMetric.mock.calls).toEqual([
      ['ReplyWindowClosed', 'Count', 1],
      ['StaleMessagesComposed', 'Count', 1],
    ]);
    expect(o.info).toHaveBeenCalledWith('Stale message composed', {
      message_id: 'wamid.A',
      tenant_id: '106540352242922',
      age_seconds: 7_200,
      outcome: 'stale',
    });
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

  describe('reply failure classes', () => {
    const dimensionsOf = (act: (o: ReturnType<typeof observed>) => void) => {
      const o = observed();
      const single = o.metrics.singleMetric();
      const addDimension = vi.spyOn(single, 'addDimension');
      vi.spyOn(o.metrics, 'singleMetric').mockReturnValue(single);
      act(o);
      return addDimension.mock.calls;
    };

    it.each([
      [131047, 'user-caused'],
      [131026, 'user-caused'],
      [190, 'permanent'],
      [100, 'permanent'],
    ])('counts a send refused with code %d under class %s', (code, failureClass) => {
      const calls = dimensionsOf((o) =>
        o.observer.replyFailed(KEY, { kind: 'permanent', code, detail: `HTTP 400 code ${code}` }, false),
      );
      expect(calls).toEqual([['class', failureClass]]);
    });

    it("counts any refusal of a reply to Meta's Test-button sample as user-caused", () => {
      const sample = { tenantId: '123456123', messageId: 'ABGGFlA5Fpa' };
      const calls = dimensionsOf((o) =>
        o.observer.replyFailed(sample, { kind: 'permanent', code: 100, detail: 'HTTP 400 code 100' }, false),
      );
      expect(calls).toEqual([['class', 'user-caused']]);
    });

    it.each([
      [[131047], 'user-caused'],
      [[131047, 190], 'async'],
      [[], 'async'],
    ])('counts a failed status with codes %j under class %s', (errorCodes, failureClass) => {
      const status = {
        tenantId: KEY.tenantId,
        outboundId: 'wamid.OUT',
        status: 'failed',
        callbackData: undefined,
        errorCodes,
      };
      const calls = dimensionsOf((o) => o.observer.asyncReplyFailure(KEY, status));
      expect(calls).toEqual([['class', failureClass]]);
    });

    it('counts a store error in a total the alarm reads, and by operation', () => {
      const o = observed();
      const single = o.metrics.singleMetric();
      const addDimension = vi.spyOn(single, 'addDimension');
      vi.spyOn(o.metrics, 'singleMetric').mockReturnValue(single);
      o.observer.storeError(KEY, 'claim', new Error('boom'));
      expect(o.addMetric).toHaveBeenCalledWith('ClaimStoreErrors', 'Count', 1);
      expect(addDimension).toHaveBeenCalledWith('operation', 'claim');
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
