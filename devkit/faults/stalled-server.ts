import { createServer, type Socket } from 'node:net';

/** A TCP endpoint on 127.0.0.1 that accepts every connection and never answers: a stalled network path. */
export interface StalledServer {
  endpoint: string;
  /** Connections accepted so far: one per SDK attempt, since each timed-out attempt opens another. */
  connections(): number;
  close(): Promise<void>;
}

export async function startStalledServer(): Promise<StalledServer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    connections: () => sockets.length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
