/*
 * A reverse proxy that forgets the trace: it passes every request on to its upstream with the Host
 * header as the client sent it (as proxies configured to keep it do), but without `traceparent`,
 * `tracestate` or `baggage`. Behind it, the callee starts a trace of its own, and the caller's trace
 * ends at a client span with no server child: what a proxy that does not propagate W3C Trace Context
 * leaves (docs/diagnosis.md, "Stitched traces").
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const DROPPED = new Set(['traceparent', 'tracestate', 'baggage']);

/** A running proxy: its URL, and how to stop it. */
export interface TraceDroppingProxy {
  url: string;
  close(): Promise<void>;
}

/** Starts the proxy on `port` (0: a free one) of 127.0.0.1, forwarding to `upstream` (`http://host:port`). */
export async function startTraceDroppingProxy(upstream: string, port = 0): Promise<TraceDroppingProxy> {
  const target = new URL(upstream);
  const server: Server = createServer((incoming, outgoing) => {
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).filter(([name]) => !DROPPED.has(name.toLowerCase())),
    );
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
