import { afterEach, describe, expect, it } from 'vitest';
import { messageBody } from '../../../lambda/adapters/graph-message-body';
import type { ReplyPart } from '../../../lambda/domain/bot';
import { type GraphSink, startGraphSink } from '../../../local/graph-sink';

describe('the local Graph sink', () => {
  let sink: GraphSink | undefined;
  afterEach(async () => {
    await sink?.close();
  });

  const post = (body: unknown) =>
    fetch(`${sink?.baseUrl}/v23.0/106540352242922/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('records every kind of reply: its type, readable text, part and the message it answers', async () => {
    sink = await startGraphSink(() => {});
    await post({
      messaging_product: 'whatsapp',
      to: '16505551234',
      context: { message_id: 'wamid.IN' },
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Pick one:' }, action: { buttons: [] } },
      biz_opaque_callback_data: 'wo2|1|1|2|106540352242922|wamid.IN',
    });
    await post({
      messaging_product: 'whatsapp',
      recipient: 'US.13491208655302741918',
      type: 'reaction',
      reaction: { message_id: 'wamid.IN2', emoji: '👍' },
    });
    await post({ messaging_product: 'whatsapp', to: '1', type: 'image', image: { id: '42' } });

    expect(sink.replies()).toMatchObject([
      { kind: 'interactive', text: 'Pick one:', part: { index: 1, count: 2 }, inReplyTo: 'wamid.IN' },
      { kind: 'reaction', text: '(reaction message)', to: 'US.13491208655302741918', inReplyTo: 'wamid.IN2' },
      { kind: 'image', text: '(image message)', inReplyTo: undefined },
    ]);
    expect(sink.replies()[0]).toHaveProperty('part');
    expect(sink.replies()[2]).not.toHaveProperty('part');
  });

  it('records a read receipt apart from the replies, with whether it asked for the typing indicator', async () => {
    const reads: string[] = [];
    const replies: string[] = [];
    sink = await startGraphSink(
      (reply) => replies.push(reply.text),
      (read) => reads.push(read.messageId),
    );
    const receipt = { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' };
    await post({ ...receipt, typing_indicator: { type: 'text' } });
    await post({ ...receipt, message_id: 'wamid.OTHER' });

    expect(sink.replies()).toEqual([]);
    expect(replies).toEqual([]);
    expect(reads).toEqual(['wamid.IN', 'wamid.OTHER']);
    expect(sink.reads('wamid.IN')).toEqual([
      { phoneNumberId: '106540352242922', messageId: 'wamid.IN', typing: true, at: expect.any(String) },
    ]);
    expect(sink.reads('wamid.OTHER')).toMatchObject([{ typing: false }]);
  });

  it.each<[ReplyPart, string | undefined]>([
    [{ kind: 'text', body: 'hi' }, undefined],
    [
      {
        kind: 'buttons',
        body: 'Pick',
        buttons: [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
      },
      'button: yes, no',
    ],
    [
      { kind: 'list', body: 'Day?', button: 'Days', sections: [{ rows: [{ id: 'mon', title: 'Mon' }] }] },
      'list: mon',
    ],
    [
      { kind: 'media', mediaType: 'image', link: 'https://www.example.com/a.jpg' },
      'https://www.example.com/a.jpg',
    ],
    [{ kind: 'media', mediaType: 'document', id: '1234' }, '1234'],
    [{ kind: 'location', latitude: 37.48, longitude: -122.14 }, '37.48,-122.14'],
    [{ kind: 'reaction', emoji: '👍' }, '👍'],
    [{ kind: 'template', name: 'hello_world', language: 'en_US' }, 'hello_world en_US'],
  ])('records what tells a %j apart from others of its type: %s', async (part, detail) => {
    sink = await startGraphSink(() => {});
    await post(messageBody('16505551234', part, 'wamid.IN', undefined));

    expect(sink.replies()[0]?.detail).toBe(detail);
  });
});
