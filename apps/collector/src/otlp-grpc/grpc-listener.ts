import { lookup } from 'node:dns/promises';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { ConnectionCap } from '../connection-cap.js';

/** Told when an Export call starts and ends, by the peer address grpc-js reports for it. */
export interface CallTracker {
  callStarted(peer: string): void;
  callEnded(peer: string): void;
}

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * The OTLP/gRPC port's TCP listener. grpc-js's own `bindAsync` accepts every connection, and each
 * idle HTTP/2 session holds memory until it closes (bench/RESULTS.md), so we accept the sockets ourselves,
 * bound them with the same `ConnectionCap` the HTTP listeners use (a new session evicts the one idle
 * longest; sessions with an Export in flight are kept) and hand each to grpc-js through its connection
 * injector. grpc-js names a call's peer `address:port` of the session's socket, which is ours.
 */
export class GrpcListener implements CallTracker {
  private readonly cap: ConnectionCap;
  private readonly sockets = new Map<string, Socket>();
  private readonly servers: Server[] = [];

  constructor(maxConnections: number) {
    this.cap = new ConnectionCap(maxConnections);
  }

  /** Sessions held, with a call in flight, evicted and refused at the cap (for /readyz). */
  snapshot(): ReturnType<ConnectionCap['snapshot']> {
    return this.cap.snapshot();
  }

  callStarted(peer: string): void {
    const socket = this.sockets.get(peer);
    if (socket) this.cap.requestStarted(socket);
  }

  callEnded(peer: string): void {
    const socket = this.sockets.get(peer);
    if (socket) this.cap.requestEnded(socket);
  }

  /**
   * Listens on `host:port` and serves `grpcServer` there; resolves with the bound port. A name is
   * bound on every address it resolves to (`localhost`: 127.0.0.1 and ::1), as grpc-js's `bindAsync`
   * and Fastify do, all on one port.
   */
  async listen(grpcServer: grpc.Server, host: string, port: number): Promise<number> {
    const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const accept = (socket: Socket) => {
      if (!this.cap.admit(socket)) {
        socket.destroy();
        return;
      }
      const peer = peerOf(socket);
      this.sockets.set(peer, socket);
      socket.once('close', () => this.sockets.delete(peer));
      injector.injectConnection(socket);
    };
    const addresses =
      isIP(host) !== 0 ? [host] : [...new Set((await lookup(host, { all: true })).map((a) => a.address))];
    let boundPort = port;
    for (const address of addresses) {
      const server = createServer({ noDelay: true }, accept);
      this.servers.push(server);
      boundPort = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(boundPort, address, () => {
          server.off('error', reject);
          const bound = server.address();
          resolve(typeof bound === 'object' && bound ? bound.port : boundPort);
        });
      });
    }
    return boundPort;
  }

  /**
   * Stops accepting, lets `grpcServer` finish the calls in flight, then closes whatever sockets its
   * shutdown left open (one that never sent an HTTP/2 preface has no session to shut down).
   */
  async close(grpcServer: grpc.Server): Promise<void> {
    const closed = Promise.all(
      this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
    for (const socket of this.sockets.values()) socket.destroy();
    await closed;
  }
}
