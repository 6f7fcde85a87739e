import type { Server } from 'node:http';
import dynalite from 'dynalite';

export interface RunningDynalite {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite, a DynamoDB-compatible server in this process (no java): what `npm start` runs by default.
 * In memory unless `folder` names a LevelDB folder to keep the data in.
 */
export async function startDynalite(folder: string | undefined): Promise<RunningDynalite> {
  // Tables are ACTIVE at once: the server creates its table and serves right after.
  const server: Server = dynalite({ createTableMs: 0, ...(folder === undefined ? {} : { path: folder }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // dynalite's close also closes its LevelDB, so a restart (--watch) can open the folder again.
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
