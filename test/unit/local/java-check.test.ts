import type { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkJava, javaProblemMessage } from '../../../local/java-check';

/** A stand-in for spawnSync that answers `java -version` as a given installation would. */
const javaThatPrints = (stderr: string, error?: Error) =>
  (() => ({ error, stderr, stdout: '', status: error ? null : 0 })) as unknown as typeof spawnSync;

describe('checkJava', () => {
  it.each([
    ['openjdk version "17.0.13" 2024-10-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
  ])('accepts %s', (stderr, version) => {
    expect(checkJava(javaThatPrints(stderr))).toEqual({ ok: true, version });
  });

  it.each([
    ['java version "1.8.0_392"', /java 8 found, 17 or newer needed/],
    ['openjdk version "11.0.2"', /java 11 found/],
    ['something else', /printed no version/],
  ])('refuses %s', (stderr, problem) => {
    const result = checkJava(javaThatPrints(stderr));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });

  it('says java is missing when it cannot be run', () => {
    const result = checkJava(javaThatPrints('', new Error('spawnSync java ENOENT')));
    expect(result.ok ? '' : result.problem).toMatch(/no java on the PATH \(spawnSync java ENOENT\)/);
  });

  it('names queued mode, the Java version and the way out in its message', () => {
    expect(javaProblemMessage('no java on the PATH')).toMatch(
      /^queued mode needs Java 17 for DynamoDB Local: no java on the PATH\..*--mode inline/,
    );
  });
});
