import { createServer, type RequestListener, type Server } from 'node:http';
import type { ConnectionCap } from './connection-cap.js';

/**
 * The HTTP server under each Fastify app. Node enforces `headersTimeout` and `requestTimeout` only
 * when it sweeps connections, every `connectionsCheckingInterval` (30 s by default), so a slowloris
 * client dripping one header line at a time could hold a socket for that long; sweeping every second
 * cuts it off within a second of its deadline. Idle keep-alive sockets close after `keepAliveTimeout`,
 * or earlier when the listener is at `cap` and a new client needs the slot (connection-cap.ts).
 */
export function timeoutSafeServerFactory(requestTimeoutMs: number, cap: ConnectionCap) {
  return (handler: RequestListener): Server => {
    const server = createServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, 10_000),
        connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
        keepAliveTimeout: 10_000,
      },
      handler,
    );
    server.on('connection', (socket) => {
      if (!cap.admit(socket)) socket.destroy();
    });
    // Ahead of Fastify's handler, so the request counts as in flight before anything can answer it.
    server.prependListener('request', (request, response) => {
      cap.requestStarted(request.socket);
      response.once('close', () => cap.requestEnded(request.socket));
    });
    return server;
  };
}
