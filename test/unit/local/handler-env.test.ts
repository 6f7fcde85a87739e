import { describe, expect, it } from 'vitest';
import { applyEnvironment, handlerEnvironment, readReceiptsOf } from '../../../local/handler-env';
import { parseStartOptions } from '../../../local/options';

describe('handlerEnvironment', () => {
  const options = parseStartOptions(['--app-secret', 's', '--verify-token', 'v'], {});

  it('points the SDK at the local store and the handler at the sink', () => {
    const env = handlerEnvironment(
      options,
      { dynamoDb: 'http://127.0.0.1:1', graph: 'http://127.0.0.1:2' },
      { WHATSAPP_SECRET_ID: 'prod-secret', AWS_SESSION_TOKEN: 'real' },
    );

    expect(env).toMatchObject({
      TABLE_NAME: 'whatsapp-once-local',
      WHATSAPP_APP_SECRET: 's',
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_ACCESS_TOKEN: 'local-sink-token',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:2',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      AWS_ACCESS_KEY_ID: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    expect(env).toHaveProperty('WHATSAPP_SECRET_ID', undefined);
    expect(env).toHaveProperty('AWS_SESSION_TOKEN', undefined);
  });

  it("leaves the SDK's own endpoint and credentials alone for a real table", () => {
    const env = handlerEnvironment(
      options,
      { dynamoDb: undefined, graph: undefined },
      { AWS_PROFILE: 'dev' },
    );

    expect(env).not.toHaveProperty('AWS_ENDPOINT_URL_DYNAMODB');
    expect(env).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(env.GRAPH_API_BASE_URL).toBeUndefined();
  });
});

describe('handlerEnvironment in queued mode', () => {
  it('sets REPLY_MODE and points the functions and their SQS client at the local re-drive queue', () => {
    const queued = parseStartOptions(['--mode', 'queued', '--app-secret', 's'], {});
    const env = handlerEnvironment(
      queued,
      {
        dynamoDb: 'http://127.0.0.1:1',
        graph: 'http://127.0.0.1:2',
        redriveQueue: { endpoint: 'http://127.0.0.1:3', queueUrl: 'http://127.0.0.1:3/000000000000/redrive' },
      },
      {},
    );

    expect(env).toMatchObject({
      REPLY_MODE: 'queued',
      REDRIVE_QUEUE_URL: 'http://127.0.0.1:3/000000000000/redrive',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:3',
    });
  });

  it('leaves the queue variables out inline', () => {
    const inline = parseStartOptions([], {});
    const env = handlerEnvironment(inline, { dynamoDb: 'http://127.0.0.1:1', graph: undefined }, {});

    expect(env.REPLY_MODE).toBe('inline');
    expect(env).not.toHaveProperty('REDRIVE_QUEUE_URL');
    expect(env).not.toHaveProperty('AWS_ENDPOINT_URL_SQS');
  });
});

describe('applyEnvironment', () => {
  it('sets values and removes the ones set to undefined', () => {
    const target: Record<string, string | undefined> = { KEEP: '1', DROP: '2' };
    applyEnvironment({ DROP: undefined, ADD: '3' }, target);

    expect(target).toEqual({ KEEP: '1', ADD: '3' });
  });
});

describe('handlerEnvironment with read receipts', () => {
  const endpoints = { dynamoDb: 'http://127.0.0.1:1', graph: 'http://127.0.0.1:2' };

  it('turns on MARK_AS_READ and TYPING_INDICATOR for --read-receipts, over what was exported', () => {
    const flagged = parseStartOptions(['--read-receipts', '--app-secret', 's'], {});
    const env = handlerEnvironment(flagged, endpoints, { MARK_AS_READ: 'false' });

    expect(env).toMatchObject({ MARK_AS_READ: 'true', TYPING_INDICATOR: 'true' });
    expect(readReceiptsOf(env)).toEqual({ markAsRead: true, typingIndicator: true });
  });

  it('keeps exported values without the flag, and reports them as the functions will read them', () => {
    const plain = parseStartOptions(['--app-secret', 's'], {});

    const exported = handlerEnvironment(plain, endpoints, { MARK_AS_READ: 'true' });
    expect(readReceiptsOf(exported)).toEqual({ markAsRead: true, typingIndicator: false });
    expect(readReceiptsOf(handlerEnvironment(plain, endpoints, {}))).toEqual({
      markAsRead: false,
      typingIndicator: false,
    });
  });
});
