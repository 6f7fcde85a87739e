import { describe, expect, it } from 'vitest';
import { messagesWebhook, metaJson, statusWebhook } from '../../../devkit/meta/meta-json';
import { compactLogLine } from '../../../local/log-format';
import { describeInbound, replyLine } from '../../../local/transcript';

describe('transcript lines', () => {
  it('shows a reply like a chat line, quoting the message it answers', () => {
    const line = replyLine({
      phoneNumberId: '1',
      to: '16505551234',
      text: 'test is working',
      inReplyTo: 'wamid.A',
      callbackData: undefined,
      outboundId: 'wamid.B',
      at: '',
    });

    expect(line).toBe('-> +16505551234 "test is working" (reply to wamid.A)');
  });

  it('decodes Meta escapes of inbound text and counts messages and statuses', () => {
    const body = metaJson(
      messagesWebhook('1', [
        { id: 'wamid.A', text: 'café / ok' },
        { id: 'wamid.C', type: 'image' },
      ]),
    );
    const summary = describeInbound(Buffer.from(body));

    expect(summary.lines).toEqual([
      '<- +16505551234 "café / ok" (wamid.A)',
      '<- +16505551234 [image] (wamid.C)',
    ]);
    expect(summary.messages).toBe(2);
    expect(
      describeInbound(Buffer.from(metaJson(statusWebhook('1', { id: 'x', status: 'read' })))).statuses,
    ).toBe(1);
  });

  it('says nothing about a body that is not JSON', () => {
    expect(describeInbound(Buffer.from('not json'))).toEqual({ lines: [], messages: 0, statuses: 0 });
  });
});

describe('compactLogLine', () => {
  it('keeps level, message and the fields that matter', () => {
    const line = JSON.stringify({
      level: 'WARN',
      message: 'Duplicate Message Detected - Already Processed',
      timestamp: '2026-11-29T00:00:00.000Z',
      service: 'whatsapp-once',
      cold_start: false,
      function_request_id: 'r',
      message_id: 'wamid.A',
      reason: 'already-processed',
    });

    expect(compactLogLine(line)).toBe(
      '   WARN  Duplicate Message Detected - Already Processed  message_id=wamid.A reason=already-processed',
    );
  });

  it('drops the empty-metrics notice and leaves other lines alone', () => {
    expect(compactLogLine('No application metrics to publish. The cold-start metric...')).toBeNull();
    expect(compactLogLine('-> +1 "hi"')).toBeUndefined();
    expect(compactLogLine('{"level": broken')).toBeUndefined();
  });
});
