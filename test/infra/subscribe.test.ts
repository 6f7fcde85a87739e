import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/config/env-names';
import { SECRET_PLACEHOLDER } from '../../lambda/config/secret-placeholder';
import { GraphCallError, type SubscriptionInput, subscribe } from '../../scripts/meta-subscription';
import { type SecretsManagerStub, startSecretsManagerStub } from '../support/secrets-manager-stub';

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
      env: { PATH: process.env.PATH ?? '', [ENV.graphBaseUrl]: baseUrl, ...env },
    });
  const failureOf = async (run: Promise<unknown>) => {
    const error = await run.catch((caught: unknown) => caught);
    return { code: Reflect.get(Object(error), 'code'), stderr: String(Reflect.get(Object(error), 'stderr')) };
  };
  /** Random-looking values, so any 4 characters of one in the output can only have come from it. */
  const credentials = {
    [ENV.appSecret]: 'Qx7vZk2Wm9Lp4Rt8Hn3J',
    [ENV.accessToken]: 'EAAGm0PZBq1cKyX5Tf6Dw',
    [ENV.verifyToken]: 'Vb4NzR8sYe2GhU7kMo1Q',
  };
  const secretValue = {
    appSecret: credentials[ENV.appSecret],
    accessToken: credentials[ENV.accessToken],
    verifyToken: credentials[ENV.verifyToken],
  };
  const args = [
    '--app-id',
    '42',
    '--waba-id',
    '77',
    '--callback-url',
    'https://abc123.execute-api.eu-west-1.amazonaws.com/webhook',
  ];
  const expectNoPartOfAnyCredential = (output: string) => {
    for (const secret of Object.values(credentials)) {
      for (let at = 0; at + 4 <= secret.length; at++) expect(output).not.toContain(secret.slice(at, at + 4));
    }
  };

  let secretsManager: SecretsManagerStub;
  let aws: Record<string, string>;
  beforeAll(async () => {
    secretsManager = await startSecretsManagerStub();
    secretsManager.put('whatsapp-once/filled', secretValue);
    secretsManager.put('whatsapp-once/unfilled', {
      appSecret: SECRET_PLACEHOLDER,
      accessToken: SECRET_PLACEHOLDER,
      verifyToken: 'Vb4NzR8sYe2GhU7kMo1Q',
    });
    aws = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
  });
  afterAll(() => secretsManager.close());

  it('reads the credentials from the secret named by --secret-id and sends both requests with them', async () => {
    const { stdout } = await cli(['--secret-id', 'whatsapp-once/filled', ...args], aws);
    expect(secretsManager.reads('whatsapp-once/filled')).toBe(1);
    expect(recorded.map(({ url }) => url)).toEqual(['/v26.0/42/subscriptions', '/v26.0/77/subscribed_apps']);
    expect(new URLSearchParams(recorded[0]?.body).get('access_token')).toBe(`42|${secretValue.appSecret}`);
    expect(new URLSearchParams(recorded[0]?.body).get('verify_token')).toBe(secretValue.verifyToken);
    expect(recorded[1]?.authorization).toBe(`Bearer ${secretValue.accessToken}`);
    expect(stdout).toContain('ok: Subscribe the WhatsApp Business Account to the app');
    expectNoPartOfAnyCredential(stdout);
  });

  it('prints both requests on --dry-run with no part of any credential, and sends nothing', async () => {
    const { stdout, stderr } = await cli(['--secret-id', 'whatsapp-once/filled', ...args, '--dry-run'], aws);
    expect(recorded).toEqual([]);
    expect(stdout).toContain(`POST ${baseUrl}/v26.0/42/subscriptions`);
    expect(stdout).toContain(`POST ${baseUrl}/v26.0/77/subscribed_apps`);
    expect(stdout).toContain('authorization: Bearer ***accessToken***');
    expect(stdout).toContain('verify_token=***verifyToken***');
    expectNoPartOfAnyCredential(stdout + stderr);
  });

  it('masks credentials taken from the environment the same way', async () => {
    const { stdout } = await cli([...args, '--dry-run'], credentials);
    expect(recorded).toEqual([]);
    expect(stdout).toContain('access_token=42%7C***appSecret***');
    expectNoPartOfAnyCredential(stdout);
  });

  it('refuses a secret that still holds the stack placeholders, naming them, and sends nothing', async () => {
    const failure = await failureOf(cli(['--secret-id', 'whatsapp-once/unfilled', ...args], aws));
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('placeholders (appSecret, accessToken)');
    expect(recorded).toEqual([]);
  });

  it('says which secret it could not read, and exits 2', async () => {
    const failure = await failureOf(cli(['--secret-id', 'whatsapp-once/absent', ...args], aws));
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(
      /Could not read the secret whatsapp-once\/absent \(ResourceNotFoundException/,
    );
    expect(recorded).toEqual([]);
  });

  it('refuses --secret-id together with credentials in the environment', async () => {
    const failure = await failureOf(
      cli(['--secret-id', 'whatsapp-once/filled', ...args], { ...aws, ...credentials }),
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('not both');
    expectNoPartOfAnyCredential(failure.stderr);
  });

  it('names every missing input and exits 2', async () => {
    const failure = await failureOf(cli(['--app-id', '42'], {}));
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain(
      `Missing: --waba-id, --callback-url, --secret-id (or ${ENV.appSecret}, ${ENV.accessToken}, ${ENV.verifyToken})`,
    );
    expect(recorded).toEqual([]);
  });
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
