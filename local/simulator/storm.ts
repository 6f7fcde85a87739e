import { seededRandom } from '../../devkit/random';
import { sleep } from '../../devkit/sleep';
import { type Redelivery, redeliveryDelay } from './meta-client';
import type { Message, Simulation } from './simulation';

export interface StormOptions {
  messages: number;
  /** Each message is delivered between 1 and `copies` times before any redelivery. */
  copies: number;
  concurrency: number;
  /** Late copies arrive up to this long after the first delivery of their message was answered. */
  spreadMs: number;
  seed: number;
  redelivery: Redelivery;
}

/** How each message's copies reach the webhook. */
export interface CopyPlan {
  /** Copies delivered right after the first, while it is still in progress. */
  simultaneous: number;
  /** Copies delivered after the first was answered, each this many ms later. */
  lateDelaysMs: number[];
}

export interface StormProgress {
  done: number;
  /** Grows as redeliveries are scheduled. */
  planned: number;
  inFlight: number;
  statusCounts: Record<string, number>;
  elapsedMs: number;
}

/** Each message gets 1..copies deliveries; extra copies are half at the same instant, half late. */
export function planCopies(
  options: Pick<StormOptions, 'messages' | 'copies' | 'spreadMs' | 'seed'>,
): CopyPlan[] {
  const random = seededRandom(options.seed);
  return Array.from({ length: options.messages }, () => {
    const extra = Math.floor(random.next() * options.copies);
    const plan: CopyPlan = { simultaneous: 0, lateDelaysMs: [] };
    for (let copy = 0; copy < extra; copy++) {
      if (random.next() < 0.5) plan.simultaneous++;
      else plan.lateDelaysMs.push(Math.round(random.next() * options.spreadMs));
    }
    return plan;
  });
}

const STORM_TEXTS = [
  'test',
  'hi',
  'hello',
  'Hola, ¿tienen café? ☕ / gracias',
  'What are your opening hours?',
];

interface Job {
  message: Message;
  body: string;
  dueAt: number;
  /** 1 for a fresh copy; higher for Meta's redeliveries of that copy. */
  attempt: number;
  /** On a message's first copy: the late copies its answer releases. */
  lateDelaysMs: number[];
}

/** Jobs by due time; jobs due together keep their order, so simultaneous copies go out together. */
class JobQueue {
  private readonly jobs: Job[] = [];

  push(job: Job): void {
    let low = 0;
    let high = this.jobs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.jobs[middle]?.dueAt ?? 0) <= job.dueAt) low = middle + 1;
      else high = middle;
    }
    this.jobs.splice(low, 0, job);
  }

  /** The next job if it is due, else how long until it is. */
  take(nowMs: number): Job | { waitMs: number } | undefined {
    const next = this.jobs[0];
    if (next === undefined) return undefined;
    return next.dueAt <= nowMs ? this.jobs.shift() : { waitMs: next.dueAt - nowMs };
  }
}

/**
 * N messages, each delivered up to K times by at most C concurrent requests, with every answer other
 * than 200 delivered again like Meta does. Every copy of a message carries the same bytes, as a retry
 * of one stored notification does.
 */
export async function runStorm(
  sim: Simulation,
  options: StormOptions,
  onProgress: (progress: StormProgress) => void = () => {},
): Promise<{ gaveUp: number }> {
  const started = performance.now();
  const now = () => performance.now() - started;
  const queue = new JobQueue();
  const progress: StormProgress = { done: 0, planned: 0, inFlight: 0, statusCounts: {}, elapsedMs: 0 };
  let gaveUp = 0;
  const schedule = (job: Job) => {
    queue.push(job);
    progress.planned++;
  };

  planCopies(options).forEach((plan, index) => {
    const message = sim.message('storm', STORM_TEXTS[index % STORM_TEXTS.length] ?? 'test');
    const copy = { message, body: sim.body(message), dueAt: 0, attempt: 1 };
    schedule({ ...copy, lateDelaysMs: plan.lateDelaysMs });
    for (let n = 0; n < plan.simultaneous; n++) schedule({ ...copy, lateDelaysMs: [] });
  });

  const worker = async () => {
    for (;;) {
      const job = queue.take(now());
      if (job === undefined || 'waitMs' in job) {
        // Nothing due; done only when nothing is in flight either (an answer may schedule more).
        if (job === undefined && progress.inFlight === 0) return;
        await sleep(Math.min(job?.waitMs ?? 5, 50));
        continue;
      }
      progress.inFlight++;
      const attempt = await sim.client.post(job.body, [job.message.id], { redelivery: job.attempt > 1 });
      progress.inFlight--;
      progress.done++;
      const status = String(attempt.status);
      progress.statusCounts[status] = (progress.statusCounts[status] ?? 0) + 1;
      for (const delay of job.lateDelaysMs) {
        schedule({ ...job, dueAt: now() + delay, attempt: 1, lateDelaysMs: [] });
      }
      if (attempt.status === 200) continue;
      if (job.attempt >= options.redelivery.maxAttempts) {
        gaveUp++;
        continue;
      }
      const dueAt = now() + redeliveryDelay(options.redelivery, job.attempt);
      schedule({ ...job, dueAt, attempt: job.attempt + 1, lateDelaysMs: [] });
    }
  };

  const ticker = setInterval(() => onProgress({ ...progress, elapsedMs: now() }), 250);
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    clearInterval(ticker);
  }
  onProgress({ ...progress, elapsedMs: now() });
  return { gaveUp };
}
