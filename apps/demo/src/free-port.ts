/*
 * Finding a port: one the OS just handed out and took back is free now and, for the few seconds
 * that matter, nobody listens on it. The demo uses one as its `wrong-upstream` destination; the
 * tests use them to run stacks beside a running demo.
 */
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on at the moment of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
