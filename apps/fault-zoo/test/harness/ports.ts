import net from 'node:net';
import { freePort } from '../../../../packages/instrument/test/harness/free-port.js';

/** A TCP server that accepts every connection and closes it at once: a peer that drops connections. */
export interface DroppingServer {
  port: number;
  close(): Promise<void>;
}

/** Starts a dropping server on a free 127.0.0.1 port. */
export function startDroppingServer(): Promise<DroppingServer> {
  const server = net.createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** A port nothing listens on (free a moment ago; connections to it are refused). */
export function closedPort(): Promise<number> {
  return freePort();
}
