import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How the proxy breaks one insert's connection:
 * - `reset`: the connection is reset before the request reaches ClickHouse (nothing written);
 * - `drop-after-commit`: ClickHouse wrote the rows and answered; the proxy resets the connection
 *   instead of passing the answer on (the client cannot tell it from `reset`, yet the rows are there);
 * - `stall`: ClickHouse wrote the rows and answered; the proxy holds the answer until the client's
 *   `request_timeout` gives up.
 */
export type NetworkFault = 'reset' | 'drop-after-commit' | 'stall';

/** Decides, for each insert (by table), whether its connection breaks and how; null passes it. */
export type FaultPlan = (table: string) => NetworkFault | null;

/** A TCP proxy on a free loopback port; `refuse()` stops listening (connections are refused). */
export interface BreakingProxy {
  url: string;
  refuse(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** The table an HTTP request inserts into, from its request line (`POST /?query=INSERT INTO t …`). */
function insertTable(head: Buffer): string | null {
  const line = head.toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = line.split(' ')[1] ?? '';
  const query = new URL(target, 'http://proxy').searchParams.get('query') ?? '';
  return /^\s*INSERT\s+INTO\s+[`"]?(?:\w+[`"]?\.[`"]?)?(\w+)/i.exec(query)?.[1] ?? null;
}

/**
 * A real TCP proxy between `@clickhouse/client` and ClickHouse (or chdb behind its HTTP front) that
 * breaks the connections of the inserts `plan` picks. The client must not keep connections alive,
 * so that each request arrives on a connection of its own.
 */
export async function breakingProxy(target: string, plan: FaultPlan): Promise<BreakingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    client.once('data', (head: Buffer) => {
      const table = insertTable(head);
      const fault = table === null ? null : plan(table);
      if (fault === 'reset') {
        client.resetAndDestroy();
        return;
      }
      const server = connect(Number(upstream.port), upstream.hostname);
      track(server);
      server.write(head);
      client.pipe(server);
      if (fault === null) server.pipe(client);
      else if (fault === 'drop-after-commit') server.once('data', () => client.resetAndDestroy());
      // 'stall': the answer is read and dropped; the client times out.
      else server.resume();
      client.on('close', () => server.destroy());
      server.on('close', () => {
        if (fault === null) client.end();
      });
    });
  });
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      }),
    );
  await listen();
  // Stops listening at once; connections under way finish (or are broken) on their own.
  const refuse = async () => {
    server.close();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    refuse,
    listen,
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await refuse();
    },
  };
}

/**
 * A plan that breaks the listed inserts in order, each on the next insert into its table, and then
 * passes everything; `left()` says how many have not happened yet.
 */
export function faultsInOrder(faults: readonly { table: string; fault: NetworkFault }[]): FaultPlan & {
  left(): number;
} {
  const queue = [...faults];
  const plan = (table: string) => {
    const index = queue.findIndex((f) => f.table === table);
    return index === -1 ? null : queue.splice(index, 1)[0]!.fault;
  };
  return Object.assign(plan, { left: () => queue.length });
}
