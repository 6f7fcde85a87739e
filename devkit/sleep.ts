import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms` of real time (a negative wait is none): the one sleep of the tooling. */
export const sleep = (ms: number): Promise<void> => delay(Math.max(0, ms));
