import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_BOTS, type LocalBot } from './example-bot';

/**
 * How a running local server tells `npm run simulate` its generated secrets: a file only this user can
 * read, under the git-ignored `.local-data/`, one per port. Never over HTTP: the server may sit behind a
 * public tunnel.
 */
export interface Session {
  webhookUrl: string;
  appSecret: string;
  verifyToken: string;
  /** Where the simulator reads the Graph sink's record; absent with `--graph real`. */
  sinkUrl: string | undefined;
  /** Queued mode answers before the reply is sent: the simulator then waits for replies at the sink. */
  replyMode?: 'inline' | 'queued' | undefined;
  /** MARK_AS_READ / TYPING_INDICATOR of the functions (`--read-receipts`): the simulator checks receipts then. */
  readReceipts?: { markAsRead: boolean; typingIndicator: boolean } | undefined;
  /** Which bot answers: the simulator runs the scenarios written for it and skips the others. */
  bot?: LocalBot | undefined;
  pid: number;
}

export const SESSION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.local-data');

export const sessionPath = (port: number, dir = SESSION_DIR): string =>
  join(dir, `local-server-${port}.json`);

export async function writeSession(port: number, session: Session, dir = SESSION_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = sessionPath(port, dir);
  await writeFile(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export async function removeSession(port: number, dir = SESSION_DIR): Promise<void> {
  await rm(sessionPath(port, dir), { force: true });
}

/** The session of the server on this port, or undefined when none is running there (or it is unreadable). */
export async function readSession(port: number, dir = SESSION_DIR): Promise<Session | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(sessionPath(port, dir), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const field = (name: string) => {
    const value: unknown = Reflect.get(parsed, name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const webhookUrl = field('webhookUrl');
  const appSecret = field('appSecret');
  const verifyToken = field('verifyToken');
  const pid: unknown = Reflect.get(parsed, 'pid');
  if (webhookUrl === undefined || appSecret === undefined || verifyToken === undefined) return undefined;
  if (typeof pid !== 'number' || !isAlive(pid)) return undefined;
  const replyMode = field('replyMode') === 'queued' ? 'queued' : 'inline';
  const receipts: unknown = Reflect.get(parsed, 'readReceipts');
  const on = (name: string) =>
    typeof receipts === 'object' && receipts !== null && Reflect.get(receipts, name) === true;
  const readReceipts = { markAsRead: on('markAsRead'), typingIndicator: on('typingIndicator') };
  // A file from a server older than the field had the default bot.
  const bot = LOCAL_BOTS.find((known) => known === field('bot')) ?? 'default';
  return {
    webhookUrl,
    appSecret,
    verifyToken,
    sinkUrl: field('sinkUrl'),
    replyMode,
    readReceipts,
    bot,
    pid,
  };
}

/** A file left by a server that was killed (no clean shutdown) must not hand out stale secrets. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's process.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
