/** The part of dynalite's (untyped) API devkit/dynalite.ts uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB folder; in memory when omitted. */
    path?: string;
    /** How long a new table stays CREATING (default 500 ms). */
    createTableMs?: number;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
