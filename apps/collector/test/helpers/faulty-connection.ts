import type { EngineConnection } from './clickhouse-engine.js';

/**
 * How an insert fails on its way to ClickHouse, as `@clickhouse/client`'s HTTP connection reports it:
 * - `refuse`: the connection is refused before anything is sent (nothing written);
 * - `drop-after-commit`: the server wrote the rows, then the connection was reset before the answer
 *   arrived (the client cannot tell it from `refuse`, yet the rows are there);
 * - `timeout`: the client gave up waiting (its "Timeout error."); the server finished the insert.
 */
export type NetworkFault = 'refuse' | 'drop-after-commit' | 'timeout';

/** Decides, for each insert (by table), whether it fails and how; null lets it through. */
export type FaultPlan = (table: string) => NetworkFault | null;

/** The errors Node and the client raise for each fault (the same shape and codes). */
function networkError(fault: NetworkFault): Error {
  if (fault === 'timeout') return new Error('Timeout error.');
  if (fault === 'refuse')
    return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/**
 * Puts faults between the client and the engine at the network boundary: the client's connection.
 * chdb runs in this process, so there is no socket to cut; this fails inserts the way the client's
 * HTTP connection does when a socket is refused, reset or times out (see NetworkFault).
 */
export function faultyConnection(plan: FaultPlan): (connection: EngineConnection) => EngineConnection {
  return (connection) =>
    new Proxy(connection, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property !== 'insert') return value.bind(target);
        return async (params: { query: string }) => {
          const table = /INSERT INTO\s+[`"]?(?:[\w]+[`"]?\.[`"]?)?(\w+)/i.exec(params.query)?.[1] ?? '';
          const fault = plan(table);
          if (fault === 'refuse') throw networkError(fault);
          const result = await value.call(target, params);
          if (fault) throw networkError(fault);
          return result;
        };
      },
    });
}

/**
 * A plan that fails the listed faults in order, each on the next insert into its table, and then
 * lets everything through; `left()` says how many have not happened yet.
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
