import type { Clock } from '../../lambda/domain/ports';

/** A clock that only moves when told to, or when something sleeps on it. */
export class FakeClock implements Clock {
  constructor(public current = Date.UTC(2026, 10, 29, 12, 0, 0)) {}
  now = (): number => this.current;
  sleep = async (ms: number): Promise<void> => {
    this.current += ms;
  };
  advance(ms: number): void {
    this.current += ms;
  }
}
