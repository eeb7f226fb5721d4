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

/** A TCP proxy that forwards to a server and cuts both sides the moment the client sends `trigger`. */
export interface CuttingProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:<port> to `target` and destroys the connection (both sides, no answer) as soon
 * as a client packet contains `trigger`: a network path that drops while a query is in flight.
 */
export function startCuttingProxy(
  target: { host: string; port: number },
  trigger: string,
): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => {
      if (chunk.includes(trigger)) {
        client.destroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
