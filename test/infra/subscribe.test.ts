import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/config/env-names';
import { GraphCallError, type SubscriptionInput, subscribe } from '../../scripts/meta-subscription';

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A Graph API stand-in on 127.0.0.1 that records requests and answers from a queue (default: success). */
let server: Server;
let baseUrl: string;
let recorded: Recorded[] = [];
let answers: { status: number; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    recorded.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: await readBody(req),
    });
    const answer = answers.shift() ?? { status: 200, body: { success: true } };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

beforeEach(() => {
  recorded = [];
  answers = [];
});

const input = (): SubscriptionInput => ({
  graphBaseUrl: baseUrl,
  graphVersion: 'v26.0',
  appId: '1234567890',
  appSecret: 'test-app-secret-0123456789',
  wabaId: '102290129340398',
  accessToken: 'EAAtest-access-token-0123456789',
  callbackUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/webhook',
  verifyToken: 'test-verify-token-0123456789',
  fields: ['messages'],
});

describe('subscribe', () => {
  it("sets the app's callback with an app access token, then subscribes the WABA with the user token", async () => {
    await subscribe(input());
    expect(recorded.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /v26.0/1234567890/subscriptions',
      'POST /v26.0/102290129340398/subscribed_apps',
    ]);
    const [appCall, wabaCall] = recorded;
    expect(appCall?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(appCall?.body))).toEqual({
      object: 'whatsapp_business_account',
      callback_url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/webhook',
      verify_token: 'test-verify-token-0123456789',
      fields: 'messages',
      access_token: '1234567890|test-app-secret-0123456789',
    });
    expect(wabaCall?.authorization).toBe('Bearer EAAtest-access-token-0123456789');
  });

  it('stops at the first call Graph refuses, with its error code', async () => {
    answers.push({
      status: 400,
      body: {
        error: { message: '(#2200) Callback verification failed', code: 2200, type: 'OAuthException' },
      },
    });
    const error = await subscribe(input()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphCallError);
    expect(error).toMatchObject({ status: 400, graphError: { code: 2200 } });
    expect(recorded).toHaveLength(1);
  });

  it('treats a 200 without success as a failure', async () => {
    answers.push({ status: 200, body: { success: false } });
    await expect(subscribe(input())).rejects.toThrow(GraphCallError);
  });
});

describe('npm run subscribe', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/subscribe.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
  const credentials = {
    [ENV.appSecret]: 'cli-app-secret-0123456789',
    [ENV.accessToken]: 'cli-access-token-0123456789',
    [ENV.verifyToken]: 'cli-verify-token-0123456789',
  };
  const args = [
    '--app-id',
    '42',
    '--waba-id',
    '77',
    '--callback-url',
    'https://abc123.execute-api.eu-west-1.amazonaws.com/webhook',
  ];

  it('prints both requests with credentials masked, and sends nothing, on --dry-run', async () => {
    const { stdout } = await cli([...args, '--dry-run'], { ...credentials, [ENV.graphBaseUrl]: baseUrl });
    expect(recorded).toEqual([]);
    expect(stdout).toContain(`POST ${baseUrl}/v26.0/42/subscriptions`);
    expect(stdout).toContain(`POST ${baseUrl}/v26.0/77/subscribed_apps`);
    for (const secret of Object.values(credentials)) expect(stdout).not.toContain(secret);
  });

  it('sends both requests to the Graph base URL from the environment', async () => {
    const { stdout } = await cli(args, { ...credentials, [ENV.graphBaseUrl]: baseUrl });
    expect(recorded).toHaveLength(2);
    expect(stdout).toContain('ok: Subscribe the WhatsApp Business Account to the app');
  });

  it('names every missing input and exits 2', async () => {
    const error = await cli(['--app-id', '42'], {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 2 });
    expect(String(Reflect.get(Object(error), 'stderr'))).toMatch(
      new RegExp(`--waba-id, --callback-url, ${ENV.appSecret}, ${ENV.accessToken}, ${ENV.verifyToken}`),
    );
    expect(recorded).toEqual([]);
  });
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
