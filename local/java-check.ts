import { spawnSync } from 'node:child_process';

export const MIN_JAVA = 17;

export type JavaCheck = { ok: true; version: number } | { ok: false; problem: string };

/**
 * DynamoDB Local is a Java program. Asked before it starts, so a missing or old java is one clear
 * sentence instead of a time-out waiting for a server that never came up.
 */
export function checkJava(run = spawnSync): JavaCheck {
  const result = run('java', ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    return { ok: false, problem: `no java on the PATH (${result.error.message})` };
  }
  // `java -version` writes to stderr: openjdk version "17.0.13" ... (or "1.8.0_392" before Java 9).
  const found = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (found === null) return { ok: false, problem: 'java -version printed no version' };
  const major = found[1] === '1' ? Number(found[2]) : Number(found[1]);
  if (major < MIN_JAVA) return { ok: false, problem: `java ${major} found, ${MIN_JAVA} or newer needed` };
  return { ok: true, version: major };
}

/** The sentence `npm start -- --mode queued` exits with when java is not usable. */
export const javaProblemMessage = (problem: string): string =>
  `queued mode needs Java ${MIN_JAVA} for DynamoDB Local: ${problem}. Install a JDK or JRE ${MIN_JAVA}+ ` +
  '(for example the openjdk-17-jre-headless package on Debian or Ubuntu) and run it again, or use ' +
  '--mode inline, which runs on the embedded dynalite without java.';
