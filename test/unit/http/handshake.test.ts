import { describe, expect, it } from 'vitest';
import { answerHandshake } from '../../../lambda/http/handshake';

const TOKEN = 'verify-me';

describe('answerHandshake', () => {
  it('returns the raw challenge when mode and token match', () => {
    expect(
      answerHandshake(`hub.mode=subscribe&hub.verify_token=${TOKEN}&hub.challenge=1158201444`, TOKEN),
    ).toEqual({
      kind: 'verified',
      challenge: '1158201444',
    });
  });

  it('decodes a percent-encoded token and challenge', () => {
    expect(answerHandshake('hub.mode=subscribe&hub.verify_token=a%20b&hub.challenge=x%2By', 'a b')).toEqual({
      kind: 'verified',
      challenge: 'x+y',
    });
  });

  it.each([
    ['a wrong token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`, 'wrong-token'],
    ['a wrong mode', `hub.mode=unsubscribe&hub.verify_token=${TOKEN}&hub.challenge=1`, 'wrong-mode'],
    ['no parameters', '', 'missing-params'],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=${TOKEN}`, 'missing-params'],
    ['an empty token', `hub.mode=subscribe&hub.verify_token=&hub.challenge=1`, 'missing-params'],
    [
      'a repeated token',
      `hub.mode=subscribe&hub.verify_token=x&hub.verify_token=${TOKEN}&hub.challenge=1`,
      'repeated-params',
    ],
  ])('refuses %s', (_name, query, kind) => {
    expect(answerHandshake(query, TOKEN).kind).toBe(kind);
  });
});
