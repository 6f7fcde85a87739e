import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface Listening {
  port: number;
  /** Stops accepting, lets requests in progress finish (at most `graceMs`), then drops connections. */
  close(graceMs: number): Promise<void>;
}

/**
 * Whether a request came straight from this machine, not through a proxy or tunnel the user started:
 * the local server's own routes (the sink's record, the crash switch) are served to nobody else.
 */
export function isLocalClient(req: IncomingMessage): boolean {
  if (req.headers['x-forwarded-for'] || req.headers.forwarded) return false;
  const address = req.socket.remoteAddress;
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * A node:http server on 127.0.0.1 only: the local server is never reachable from the network except
 * through a tunnel the user starts. Keeps track of requests in progress for a clean shutdown.
 */
export async function listenOnLoopback(
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (req: IncomingMessage, error: unknown) => void,
): Promise<Listening> {
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handling = handle(req, res)
      .catch((error: unknown) => {
        onError(req, error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal Server Error"}');
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([...inFlight]), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}
