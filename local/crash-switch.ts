import { faultyFetch, type GraphCall } from '../devkit/faults/fetch-faults';
import type { Invocation } from '../devkit/lambda-host/invocation-scope';
import { isRecord } from '../lambda/json-object';
import { muteStoppedInvocations } from './hosted-invocation';

/** Kill the next invocation that is about to send part `beforePart` of the answer to `inReplyTo`. */
export interface CrashOrder {
  inReplyTo: string;
  beforePart: number;
}

/** A crash that happened: the invocation died with that part's Graph request in its hand. */
export interface FiredCrash extends CrashOrder {
  /** The claim attempt of the owner that died. */
  attempt: number | undefined;
  at: string;
}

export interface CrashSwitch {
  arm(order: CrashOrder): void;
  armed(): CrashOrder[];
  fired(): FiredCrash[];
  /** Puts back the fetch and the output streams as they were before `installCrashSwitch`. */
  uninstall(): void;
}

/** The callback data naming a wamid is at most 512 characters (callback-data.ts): a longer one never matches. */
const MAX_WAMID_LENGTH = 512;
/** An answer has at most 10 parts (lambda/domain/reply-limits.ts); this bound only refuses nonsense. */
const MAX_PART_INDEX = 99;

/**
 * Replaces the process's `fetch` with the devkit's fault-injecting one, so it must run before the
 * deployed modules are imported: their Graph sender keeps the `fetch` it finds when it is built.
 * A matching Graph request never leaves: the invocation making it dies right there (devkit
 * `Invocation.die()`) and its host answers as Lambda does for a crashed runtime. Its work is
 * abandoned where it stands: no partSent, no release, no other send; what it would still print
 * (middy's early timeout at the deadline) is muted, as a dead runtime prints nothing. Every other
 * request goes out unchanged, except those of a dead invocation, which never return. DynamoDB calls
 * are not gated (the SDK does not use fetch), but each message's work stops at its next Graph call,
 * so a write that still lands is one that could have landed before the crash.
 */
export function installCrashSwitch(print: (line: string) => void): CrashSwitch {
  const original = globalThis.fetch;
  const orders: CrashOrder[] = [];
  const fired: FiredCrash[] = [];
  const matching = (call: GraphCall) =>
    orders.findIndex(
      (order) => order.inReplyTo === call.messageId && order.beforePart === (call.part?.index ?? 0),
    );
  globalThis.fetch = faultyFetch(
    {
      decide: (call, invocation: Invocation | undefined) => {
        // Outside an invocation there is nothing to stop; a request there is never held.
        const index = invocation === undefined ? -1 : matching(call);
        if (index < 0) return undefined;
        const [order] = orders.splice(index, 1);
        if (order === undefined) return undefined;
        const crash = { ...order, attempt: call.attempt, at: new Date().toISOString() };
        fired.push(crash);
        print(
          `!! crash switch: the invocation about to send part ${crash.beforePart} of the answer to ${crash.inReplyTo} (attempt ${crash.attempt ?? '?'}) died`,
        );
        return { kind: 'die-before-send' };
      },
    },
    original,
  );
  const unmute = [process.stdout, process.stderr].map(muteStoppedInvocations);
  return {
    arm: (order) => {
      orders.push(order);
    },
    armed: () => [...orders],
    fired: () => [...fired],
    uninstall: () => {
      globalThis.fetch = original;
      for (const undo of unmute) undo();
    },
  };
}

/** The switch's request body, or what is wrong with it (for a 400). */
export function parseCrashOrder(body: unknown): CrashOrder | string {
  if (!isRecord(body)) return 'the body must be a JSON object: {"inReplyTo": "<wamid>", "beforePart": 1}';
  const { inReplyTo, beforePart } = body;
  const unknown = Object.keys(body).filter((key) => key !== 'inReplyTo' && key !== 'beforePart');
  if (unknown.length > 0) return `unknown field ${JSON.stringify(unknown[0])}`;
  if (typeof inReplyTo !== 'string' || inReplyTo.trim() === '' || inReplyTo.length > MAX_WAMID_LENGTH) {
    return `inReplyTo must be the wamid of an inbound message (a non-empty string of at most ${MAX_WAMID_LENGTH} characters)`;
  }
  if (!Number.isInteger(beforePart) || Number(beforePart) < 0 || Number(beforePart) > MAX_PART_INDEX) {
    return `beforePart must be a part index, an integer from 0 to ${MAX_PART_INDEX} (0: before the first part)`;
  }
  return { inReplyTo, beforePart: Number(beforePart) };
}
