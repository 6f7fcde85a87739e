import { describe, expect, it } from 'vitest';
import { SECRET_KEYS } from '../../lambda/config/env-names';
import { SECRET_PLACEHOLDER } from '../../lambda/config/secret-placeholder';
import { synthesize } from './synth';

describe('the secret a new stack creates', () => {
  it('holds exactly the placeholder the runtime answers "not configured" to, for the values Meta issues', () => {
    const { template } = synthesize({}, { bundle: false });
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    const generate = secrets[0]?.Properties?.GenerateSecretString;
    expect(JSON.parse(generate?.SecretStringTemplate)).toEqual({
      [SECRET_KEYS.appSecret]: SECRET_PLACEHOLDER,
      [SECRET_KEYS.accessToken]: SECRET_PLACEHOLDER,
    });
    // The verify token is generated, so the handshake works before anything is filled in.
    expect(generate?.GenerateStringKey).toBe(SECRET_KEYS.verifyToken);
  });
});
