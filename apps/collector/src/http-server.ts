import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The HTTP server under each Fastify app. Node enforces `headersTimeout` and `requestTimeout` only
 * when it sweeps connections, every `connectionsCheckingInterval` (30 s by default), so a slowloris
 * client dripping one header line at a time could hold a socket for that long; sweeping every second
 * cuts it off within a second of its deadline. Idle keep-alive sockets close after `keepAliveTimeout`.
 */
export function timeoutSafeServerFactory(requestTimeoutMs: number) {
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
    return server;
  };
}
