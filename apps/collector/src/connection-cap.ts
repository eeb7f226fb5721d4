import type { Socket } from 'node:net';

/**
 * Bounds the sockets one listener holds without locking new clients out. A plain `maxConnections`
 * drops every new connection once the cap is reached, so 1,024 idle keep-alive sockets (nothing in
 * flight, each waiting out its keep-alive timeout) shut out every new exporter for ~10 s. Here a new
 * connection at the cap evicts the socket that has been idle longest instead; it is refused only
 * when every socket has a request in flight, and those end within the request timeout.
 *
 * A socket is idle from its connection until its first request, and again after each response:
 *
 *   connect |....idle....|==request==|....idle....|==request==|.....idle.....| close
 *                         ^ busy                   ^ busy
 *
 * so one still sending its request headers (a slowloris) is evicted first, by age. Evicting an idle
 * keep-alive socket costs its client a reconnect, nothing more.
 */
export class ConnectionCap {
  /** Idle sockets, longest idle first (a Map keeps insertion order; re-inserting moves to the end). */
  private readonly idle = new Map<Socket, true>();
  /** Sockets with requests in flight, and how many (HTTP/1.1 pipelining, HTTP/2 streams). */
  private readonly busy = new Map<Socket, number>();
  /** Counters for /readyz and the log. */
  readonly stats = { evicted: 0, refused: 0 };

  constructor(readonly maxConnections: number) {}

  /** Sockets held now. */
  get size(): number {
    return this.idle.size + this.busy.size;
  }

  /** What /readyz reports: sockets held, how many have a request in flight, evicted and refused. */
  snapshot(): { open: number; busy: number; evicted: number; refused: number } {
    return { open: this.size, busy: this.busy.size, ...this.stats };
  }

  /** Takes a new connection, evicting the longest-idle one at the cap; false if it must be refused. */
  admit(socket: Socket): boolean {
    if (this.size >= this.maxConnections) {
      const oldest = this.idle.keys().next().value;
      if (oldest === undefined) {
        this.stats.refused++;
        return false;
      }
      this.idle.delete(oldest);
      oldest.destroy();
      this.stats.evicted++;
    }
    this.idle.set(socket, true);
    socket.once('close', () => {
      this.idle.delete(socket);
      this.busy.delete(socket);
    });
    return true;
  }

  /** A request began on `socket`: it may not be evicted until the request ends. */
  requestStarted(socket: Socket): void {
    const inFlight = this.busy.get(socket);
    if (inFlight !== undefined) this.busy.set(socket, inFlight + 1);
    else if (this.idle.delete(socket)) this.busy.set(socket, 1);
  }

  /** A request on `socket` ended; with none left it becomes the newest idle socket. */
  requestEnded(socket: Socket): void {
    const inFlight = this.busy.get(socket);
    if (inFlight === undefined) return;
    if (inFlight > 1) {
      this.busy.set(socket, inFlight - 1);
      return;
    }
    this.busy.delete(socket);
    if (!socket.destroyed) this.idle.set(socket, true);
  }
}
