import type { LocalBot } from '../example-bot';
import type { Attempt } from './run-record';
import type { Simulation } from './simulation';

/** Late, but inside the 24 h window: stale at STALE_AFTER_SECONDS' default (3600). */
export const STALE_AGE_SECONDS = 2 * 3_600;
/** Past the 24 h customer-service window. */
export const PAST_WINDOW_SECONDS = 25 * 3_600;

export interface ScenarioSettings {
  /** The pause before the delayed duplicate. */
  delayMs: number;
}

export interface ScenarioOutcome {
  /** What went wrong on the wire; reply counts are checked afterwards, at the sink. */
  problems: string[];
  /**
   * Reply texts the bot must have sent, by inbound wamid (checked when the sink can be read). In a
   * scenario for any bot (no `bot`), they are the default bot's answers, checked only against it.
   */
  expectedTexts?: Map<string, string>;
  /** Why the scenario could not run here. */
  skipped?: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** The bot whose answers this scenario checks: skipped against any other. Unset: any bot. */
  bot?: LocalBot;
  run(sim: Simulation, settings: ScenarioSettings): Promise<ScenarioOutcome>;
}

/** Problems unless the last attempt was accepted with exactly `status`. */
export function expectStatus(what: string, attempts: Attempt[], status: number): string[] {
  const last = attempts.at(-1)?.status;
  return last === status
    ? []
    : [`${what}: expected ${status}, got ${attempts.map((a) => a.status).join(' then ')}`];
}
