import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaJson } from '../../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../../devkit/webhook-events';
import { defaultBot } from '../../lambda/bots/default-bot';
import { botContext } from '../../lambda/domain/bot-context';
import { recordKey } from '../../lambda/domain/messages';
import { windowAllows } from '../../lambda/domain/reply-window';
import { walkWebhook } from '../../lambda/http/payload';
import { signatureFor } from '../../lambda/http/signature';
import { leaks } from '../support/log-capture';
import { envelopeArb, personalData } from './envelope-arbitraries';
import { SECRETS, type SecurityHarness, sensitive, startSecurityHarness } from './security-harness';

let h: SecurityHarness;
beforeAll(async () => {
  h = await startSecurityHarness();
});
afterAll(async () => {
  await h?.close();
});

let run = 0;
/** Each run gets its own wamids, so it starts from records no earlier run touched. */
const isolated = (envelope: unknown): unknown =>
  JSON.parse(JSON.stringify(envelope).replaceAll('wamid.HBgLpropx', `wamid.HBgLpropx${++run}r`));

/**
 * The replies a delivery owes: one per key whose first occurrence the bot answers and can address,
 * and whose answer the 24 h window still allows.
 */
async function owedReplies(envelope: unknown): Promise<Set<string>> {
  const walked = walkWebhook(envelope);
  const owed = new Set<string>();
  const seen = new Set<string>();
  for (const message of walked.kind === 'batch' ? walked.batch.messages : []) {
    const key = recordKey(message.key);
    if (seen.has(key)) continue;
    seen.add(key);
    const answer = await defaultBot.compose(message, botContext(message, Date.now()));
    const allowed = windowAllows(message, answer, Date.now());
    if (answer.length > 0 && message.replyTo !== undefined && allowed) owed.add(key);
  }
  return owed;
}

const repliesByKey = () => {
  const counts = new Map<string, number>();
  for (const request of h.graph.requests) {
    const key = recordKey({ tenantId: request.phoneNumberId, messageId: request.inReplyTo ?? '' });
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

describe('the whole handler, on generated envelopes', () => {
  it('never throws and replies exactly once per owed message, however often and concurrently it is delivered', async () => {
    await fc.assert(
      fc.asyncProperty(
        envelopeArb,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (generated, copies, together) => {
          h.reset();
          const envelope = isolated(generated);
          const event = () => signedPost(metaJson(envelope), SECRETS.appSecret);
          const answers = together
            ? await Promise.all(Array.from({ length: copies }, () => h.invoke(event())))
            : [];
          for (let copy = 0; !together && copy < copies; copy++) answers.push(await h.invoke(event()));
          // Meta keeps delivering until it gets a 200; one more sequential delivery settles anything in flight.
          answers.push(await h.invoke(event()));

          for (const answer of answers) expect([200, 503]).toContain(answer.statusCode);
          expect(answers.at(-1)?.statusCode).toBe(200);
          expect(h.logs.messages()).not.toContain('Unhandled error');
          const replies = repliesByKey();
          for (const count of replies.values()) expect(count).toBe(1);
          expect(new Set(replies.keys())).toEqual(await owedReplies(envelope));
          expect(leaks(h.logs.lines(), sensitive(personalData(envelope)))).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('never touches DynamoDB or Graph for a body that is not properly signed', async () => {
    const hexDigit = fc.constantFrom(...'0123456789abcdef');
    const badSignature = fc.oneof(
      fc.constant({ kind: 'missing' as const }),
      fc.string({ maxLength: 80 }).map((value) => ({ kind: 'garbage' as const, value })),
      fc
        .string({ unit: hexDigit, minLength: 64, maxLength: 64 })
        .map((digest) => ({ kind: 'garbage' as const, value: `sha256=${digest}` })),
      fc.constant({ kind: 'other-secret' as const }),
      fc.constant({ kind: 'tampered' as const }),
    );
    await fc.assert(
      fc.asyncProperty(envelopeArb, badSignature, async (generated, signature) => {
        h.reset();
        const envelope = isolated(generated);
        const body = metaJson(envelope);
        const header =
          signature.kind === 'missing'
            ? undefined
            : signature.kind === 'garbage'
              ? signature.value
              : signature.kind === 'other-secret'
                ? signatureFor(body, 'some-other-app-secret')
                : signatureFor(`${body} `, SECRETS.appSecret);
        const event = apiEvent({
          method: 'POST',
          body,
          headers: header === undefined ? {} : { 'x-hub-signature-256': header },
        });

        const answer = await h.invoke(event);
        expect(answer.statusCode).toBe(401);
        expect(h.requests).toEqual({});
        expect(h.graph.requests).toHaveLength(0);
        expect(leaks(h.logs.lines(), sensitive(personalData(envelope)))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
