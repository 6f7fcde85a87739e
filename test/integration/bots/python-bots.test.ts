import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../devkit/dynamodb-local';
import { signatureOf } from '../../../lambda/bots/bot-http';
import { httpBot } from '../../../lambda/bots/http-bot';
import { rasaBot } from '../../../lambda/bots/rasa-bot';
import type { InboundContent } from '../../../lambda/domain/bot';
import { botContext } from '../../../lambda/domain/bot-context';
import { type RunningBot, startExampleBot } from '../../../local/example-bot';
import { REPO_ROOT } from '../../e2e/server-process';
import { message } from '../../unit/domain/use-case-fixture';

// The Python bots the docs show, run for real: the function's own HTTP and Rasa bots call them, so
// every answer is checked against the protocol schema (httpBot refuses one that breaks it).

const SECRET = 'python-bot-test-secret-0123';
const NOW = Date.now();
const request = {
  version: 1,
  message: { id: 'wamid.P', type: 'text', content: { type: 'text', body: 'hello' }, timestamp: 1 },
  context: {
    tenantId: '106540352242922',
    user: { phone: '16505551234' },
    ageSeconds: 4,
    windowOpen: true,
    stale: false,
  },
};
const post = (url: string, body: string, signature: string) =>
  fetch(url, { method: 'POST', headers: { 'x-bot-signature-256': signature }, body });
const inbound = (content: InboundContent, sentAgoSeconds = 0) =>
  message('wamid.P', { content, timestamp: Math.floor(NOW / 1000) - sentAgoSeconds });
const ask = (bot: { url: string; secret: string }, content: InboundContent, sentAgoSeconds = 0) =>
  httpBot({ url: bot.url, timeoutMs: 5_000, secret: async () => bot.secret }).compose(
    inbound(content, sentAgoSeconds),
    botContext(inbound(content, sentAgoSeconds), NOW),
  );

describe('the 15-line Python bot of docs/BOT.md', () => {
  let bot: ChildProcess | undefined;
  let dir = '';
  let url = '';

  beforeAll(async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'BOT.md'), 'utf8');
    const code = /A bot in 15 lines of Python[^`]*```python\n([\s\S]*?)```/.exec(doc)?.[1];
    if (code === undefined) throw new Error('docs/BOT.md has no Python bot block after "A bot in 15 lines"');
    // The doc promises a bot in 15 lines (blank lines aside): keep it honest.
    expect(code.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(15);
    dir = await mkdtemp(join(tmpdir(), 'doc-bot-'));
    await writeFile(join(dir, 'bot.py'), code);
    const port = await freePort();
    bot = spawn('python3', [join(dir, 'bot.py')], {
      env: { ...process.env, PORT: String(port), BOT_SECRET: SECRET },
      stdio: 'ignore',
    });
    url = `http://127.0.0.1:${port}/`;
    await answering(url);
  });

  afterAll(async () => {
    bot?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a signed request with a text part the protocol schema accepts', async () => {
    expect(await ask({ url, secret: SECRET }, { type: 'text', body: 'hello' })).toEqual([
      { kind: 'text', body: 'You sent hello' },
    ]);
  });

  it('names a tapped button by its title', async () => {
    const tap: InboundContent = {
      type: 'interactive',
      reply: { kind: 'button_reply', id: 'yes', title: 'Yes' },
    };

    expect(await ask({ url, secret: SECRET }, tap)).toEqual([{ kind: 'text', body: 'You sent Yes' }]);
  });

  it('refuses a body signed with another secret with 401', async () => {
    const body = JSON.stringify(request);

    expect((await post(url, body, signatureOf(body, 'another-secret-entirely'))).status).toBe(401);
  });
});

describe('examples/python-bot/bot.py (what npm start -- --bot example runs)', () => {
  let bot: RunningBot | undefined;
  let rasa: RunningBot | undefined;
  beforeAll(async () => {
    [bot, rasa] = await Promise.all([startExampleBot('example'), startExampleBot('example-rasa')]);
  });
  afterAll(async () => {
    await Promise.all([bot?.stop(), rasa?.stop()]);
  });
  const text = (body: string): InboundContent => ({ type: 'text', body });
  const example = () => ({ url: bot?.url ?? '', secret: bot?.secret ?? '' });

  it.each([
    ['buttons', ['buttons']],
    ['list', ['list']],
    ['photo', ['media']],
    ['location', ['location']],
    ['react', ['reaction']],
    ['two', ['text', 'text']],
    ['anything else', ['text']],
  ])('answers "%s" with the parts %j, valid by the schema', async (keyword, kinds) => {
    const parts = await ask(example(), text(keyword));

    expect(parts.map((part) => part.kind)).toEqual(kinds);
  });

  it('answers a list tap by the row id', async () => {
    const tap: InboundContent = {
      type: 'interactive',
      reply: { kind: 'list_reply', id: 'tue', title: 'Tuesday' },
    };

    expect(await ask(example(), tap)).toEqual([{ kind: 'text', body: 'You chose tue' }]);
  });

  it('answers with the hello_world template past the 24-hour window, and apologises when late', async () => {
    expect(await ask(example(), text('hi'), 25 * 3_600)).toEqual([
      { kind: 'template', name: 'hello_world', language: 'en_US' },
    ]);
    expect(await ask(example(), text('hi'), 2 * 3_600)).toEqual([
      { kind: 'text', body: 'Sorry for the wait. You said: hi' },
    ]);
  });

  it('does not answer a reaction', async () => {
    expect(
      await ask(example(), { type: 'reaction', reaction: { messageId: 'wamid.X', emoji: '👍' } }),
    ).toEqual([]);
  });

  it('refuses an unsigned or wrongly signed request with 401, on both paths', async () => {
    const body = JSON.stringify(request);

    expect((await post(bot?.url ?? '', body, '')).status).toBe(401);
    // A header byte outside ASCII: compared as bytes, it is a plain mismatch, not a crash.
    expect((await post(bot?.url ?? '', body, 'sha256=\u00e9')).status).toBe(401);
    expect((await post(rasa?.url ?? '', body, signatureOf(body, 'another-secret-entirely'))).status).toBe(
      401,
    );
  });

  it("speaks Rasa's REST shape: buttons whose ids are payloads, and a tap sent back as its payload", async () => {
    const rasaUrl = rasa?.url ?? '';
    const asRasa = rasaBot({ url: rasaUrl, timeoutMs: 5_000, secret: async () => rasa?.secret });
    const compose = (content: InboundContent) =>
      asRasa.compose(inbound(content), botContext(inbound(content), NOW));

    expect(rasaUrl).toMatch(/\/webhooks\/rest\/webhook$/);
    expect(await compose(text('buttons'))).toEqual([
      {
        kind: 'buttons',
        body: 'Pick one',
        buttons: [
          { id: '/yes', title: 'Yes' },
          { id: '/no', title: 'No' },
        ],
      },
    ]);
    const tap: InboundContent = {
      type: 'interactive',
      reply: { kind: 'button_reply', id: '/yes', title: 'Yes' },
    };
    expect(await compose(tap)).toEqual([{ kind: 'text', body: 'You chose /yes' }]);
  });
});

/** Polls until the bot answers a request at all (its 401 to an unsigned one is enough). */
async function answering(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const status = await post(url, '{}', '').then(
      (response) => response.status,
      () => 0,
    );
    if (status !== 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the bot at ${url} did not answer within 10 s`);
}
