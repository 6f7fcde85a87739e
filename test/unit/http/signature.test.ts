import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metaJson } from '../../../devkit/meta/meta-json';
import { checkSignature, signatureFor } from '../../../lambda/http/signature';

const SECRET = 'app-secret';

describe('checkSignature', () => {
  it('accepts Meta-style bodies with escaped slashes and unicode, hashed as raw bytes', () => {
    const raw = metaJson({ caption: 'Hola quiero un café 👍', url: 'https://lookaside.example/x' });
    expect(raw).toContain('caf\\u00e9');
    expect(raw).toContain('\\ud83d\\udc4d');
    expect(raw).toContain('https:\\/\\/');
    expect(checkSignature(Buffer.from(raw), signatureFor(raw, SECRET), SECRET)).toBe('valid');
  });

  it('rejects the same body re-serialised, which is why the raw bytes are hashed', () => {
    const raw = metaJson({ caption: 'café', url: 'a/b' });
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(checkSignature(Buffer.from(reserialised), signatureFor(raw, SECRET), SECRET)).toBe('mismatch');
  });

  it('verifies a fixture file byte for byte', () => {
    const raw = readFileSync('test/fixtures/library/status-failed-131053-escaped-slashes.json');
    expect(checkSignature(raw, signatureFor(raw, SECRET), SECRET)).toBe('valid');
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['empty', '', 'missing'],
    ['without prefix', 'a'.repeat(64), 'malformed'],
    ['uppercase prefix', `SHA256=${'a'.repeat(64)}`, 'malformed'],
    ['legacy sha1 prefix', `sha1=${'a'.repeat(40)}`, 'malformed'],
    ['short digest', `sha256=${'a'.repeat(63)}`, 'malformed'],
    ['long digest', `sha256=${'a'.repeat(65)}`, 'malformed'],
    ['non-hex digest', `sha256=${'g'.repeat(64)}`, 'malformed'],
    ['wrong digest', `sha256=${'0'.repeat(64)}`, 'mismatch'],
  ])('reports a %s header as %s without throwing', (_name, header, expected) => {
    expect(checkSignature(Buffer.from('{}'), header, SECRET)).toBe(expected);
  });

  it('rejects a body signed with another secret', () => {
    expect(checkSignature(Buffer.from('{}'), signatureFor('{}', 'other'), SECRET)).toBe('mismatch');
  });

  it('rejects a tampered body', () => {
    expect(checkSignature(Buffer.from('{"a":2}'), signatureFor('{"a":1}', SECRET), SECRET)).toBe('mismatch');
  });
});
