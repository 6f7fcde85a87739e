import { metaJson, statusWebhook } from '../../devkit/meta/meta-json';
import { sleep } from '../../devkit/sleep';
import { signatureFor } from '../../lambda/http/signature';
import { BOT_SCENARIOS } from './bot-scenarios';
import { CRASH_SCENARIOS } from './crash-scenarios';
import { EXAMPLE_BOT_SCENARIOS } from './example-bot-scenarios';
import { EXAMPLE_RASA_SCENARIOS } from './example-rasa-scenarios';
import { READ_RECEIPT_SCENARIOS } from './read-receipt-scenarios';
import { expectStatus, type Scenario } from './scenario';
import { awaitReplies } from './sink-reader';

export type { Scenario, ScenarioOutcome, ScenarioSettings } from './scenario';

/** The manual tests of the old system, each one a way Meta really delivers. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'handshake',
    title: "Meta's subscription handshake (GET)",
    async run(sim) {
      const token = sim.target.verifyToken;
      if (token === undefined) return { problems: [], skipped: 'no verify token (pass --verify-token)' };
      const problems: string[] = [];
      const challenge = String(Date.now());
      const good = await sim.client.handshake(token, challenge);
      if (good.status !== 200 || good.body !== challenge) {
        problems.push(
          `right token: expected 200 with the challenge, got ${good.status} "${good.body.slice(0, 60)}"`,
        );
      }
      const wrong = await sim.client.handshake(`${token}-wrong`, challenge);
      if (wrong.status !== 403) problems.push(`wrong token: expected 403, got ${wrong.status}`);
      return { problems };
    },
  },
  {
    name: 'single',
    title: 'a single message',
    async run(sim) {
      const message = sim.message('single', 'test');
      const attempts = await sim.client.deliver(sim.body(message), [message.id]);
      return {
        problems: expectStatus('delivery', attempts, 200),
        expectedTexts: new Map([[message.id, 'test is working']]),
      };
    },
  },
  {
    name: 'several',
    title: 'several messages quickly',
    async run(sim) {
      // Meta's escapes on the wire: `\/`, and `\uXXXX` for accents and emoji (a surrogate pair).
      const texts = [
        'hi',
        'hello',
        'Hola, quiero un café / ¿abren hoy? 👍',
        'order #42: where is it?',
        'test',
      ];
      const messages = texts.map((text) => sim.message('several', text));
      const results = await Promise.all(
        messages.map(async (message, index) => {
          await sleep(index * 20);
          return sim.client.deliver(sim.body(message), [message.id]);
        }),
      );
      return {
        problems: results.flatMap((attempts, index) => expectStatus(`message ${index + 1}`, attempts, 200)),
        expectedTexts: new Map([
          [messages[0]?.id ?? '', 'Hello! How can I assist you today?'],
          [messages[4]?.id ?? '', 'test is working'],
        ]),
      };
    },
  },
  {
    name: 'twice',
    title: 'the same webhook twice in sequence',
    async run(sim) {
      const message = sim.message('twice', 'hello');
      const body = sim.body(message);
      const first = await sim.client.deliver(body, [message.id]);
      const second = await sim.client.deliver(body, [message.id]);
      return { problems: [...expectStatus('first', first, 200), ...expectStatus('second', second, 200)] };
    },
  },
  {
    name: 'simultaneous',
    title: 'the same webhook twice at the same instant',
    async run(sim) {
      const message = sim.message('simultaneous', 'test');
      const body = sim.body(message);
      const [one, two] = await Promise.all([
        sim.client.deliver(body, [message.id]),
        sim.client.deliver(body, [message.id]),
      ]);
      return { problems: [...expectStatus('copy 1', one, 200), ...expectStatus('copy 2', two, 200)] };
    },
  },
  {
    name: 'delayed',
    title: 'a delayed duplicate',
    async run(sim, { delayMs }) {
      const message = sim.message('delayed', 'Is my order on its way?');
      const body = sim.body(message);
      const first = await sim.client.deliver(body, [message.id]);
      await sleep(delayMs);
      const late = await sim.client.deliver(body, [message.id]);
      return { problems: [...expectStatus('first', first, 200), ...expectStatus('late copy', late, 200)] };
    },
  },
  {
    name: 'batch',
    title: 'a batch of three, redelivered with a new sibling',
    async run(sim) {
      const [a, b, c, d] = [
        sim.message('batch', 'batch message 1'),
        sim.message('batch', 'batch message 2'),
        sim.message('batch', 'batch message 3'),
        sim.message('batch', 'batch message 4'),
      ];
      // Two entries, like a real batch: every entry[].changes[].value must be walked.
      const first = sim.webhook(a, b);
      first.entry.push(...sim.webhook(c).entry);
      const batch = await sim.client.deliver(metaJson(first), [a.id, b.id, c.id]);
      // Meta does not promise the same grouping on a retry: c comes back next to a new message.
      const regrouped = await sim.client.deliver(sim.body(c, d), [c.id, d.id]);
      return {
        problems: [...expectStatus('batch', batch, 200), ...expectStatus('regrouped', regrouped, 200)],
      };
    },
  },
  {
    name: 'around-reply',
    title: 'a copy before the reply is sent, another after it',
    async run(sim) {
      const message = sim.message('around-reply', 'hi');
      const body = sim.body(message);
      const first = await sim.client.deliver(body, [message.id]);
      // Queued mode answers 200 once the claim is written: this copy meets a record the worker owns.
      const early = await sim.client.deliver(body, [message.id]);
      if (sim.target.replyMode === 'queued') await awaitReplies(sim.target.sinkUrl, sim.prefix, [message.id]);
      const late = await sim.client.deliver(body, [message.id]);
      return {
        problems: [
          ...expectStatus('first', first, 200),
          ...expectStatus('copy before the reply', early, 200),
          ...expectStatus('copy after the reply', late, 200),
        ],
        expectedTexts: new Map([[message.id, 'Hello! How can I assist you today?']]),
      };
    },
  },
  {
    name: 'statuses',
    title: 'status webhooks only (delivered, read)',
    async run(sim) {
      const outbound = `${sim.prefix}outbound-1`;
      const problems: string[] = [];
      for (const status of ['delivered', 'read']) {
        const body = metaJson(statusWebhook(sim.target.phoneNumberId, { id: outbound, status }));
        problems.push(...expectStatus(status, await sim.client.deliver(body, []), 200));
      }
      return { problems };
    },
  },
  {
    name: 'bad-signature',
    title: 'bad signatures rejected, then the genuine one answered',
    async run(sim) {
      const message = sim.message('bad-signature', 'test');
      const body = sim.body(message);
      const wrongSecret = await sim.client.post(body, [message.id], {
        signature: signatureFor(body, 'not-the-app-secret'),
      });
      const missing = await sim.client.post(body, [message.id], { signature: null });
      const tampered = await sim.client.post(body.replace('"test"', '"tset"'), [message.id], {
        signature: signatureFor(body, sim.target.appSecret),
      });
      const genuine = await sim.client.deliver(body, [message.id]);
      return {
        problems: [
          ...expectStatus('wrong secret', [wrongSecret], 401),
          ...expectStatus('no signature', [missing], 401),
          ...expectStatus('tampered body', [tampered], 401),
          ...expectStatus('genuine', genuine, 200),
        ],
        expectedTexts: new Map([[message.id, 'test is working']]),
      };
    },
  },
  ...BOT_SCENARIOS,
  ...READ_RECEIPT_SCENARIOS,
  ...CRASH_SCENARIOS,
  ...EXAMPLE_BOT_SCENARIOS,
  ...EXAMPLE_RASA_SCENARIOS,
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
