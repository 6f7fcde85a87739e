import { describe, expect, it } from 'vitest';
import { placeholdersAmong, SECRET_PLACEHOLDER } from '../../../lambda/config/secret-placeholder';

const filled = { appSecret: 'a1', accessToken: 'EAAb2', verifyToken: 'c3' };

describe('placeholdersAmong', () => {
  it('names the values that still hold the placeholder, among those asked', () => {
    const secrets = { ...filled, appSecret: SECRET_PLACEHOLDER, verifyToken: SECRET_PLACEHOLDER };
    expect(placeholdersAmong(secrets, ['appSecret', 'accessToken'])).toEqual(['appSecret']);
    expect(placeholdersAmong(secrets, ['verifyToken', 'appSecret'])).toEqual(['verifyToken', 'appSecret']);
  });

  it('recognises the placeholder with stray whitespace from a hand-edited secret', () => {
    expect(
      placeholdersAmong({ ...filled, accessToken: ` ${SECRET_PLACEHOLDER}\n` }, ['accessToken']),
    ).toEqual(['accessToken']);
  });

  it('finds nothing in a filled secret, even one that merely contains the marker', () => {
    const secrets = { ...filled, appSecret: `${SECRET_PLACEHOLDER}-but-real` };
    expect(placeholdersAmong(secrets, ['appSecret', 'accessToken', 'verifyToken'])).toEqual([]);
  });
});
