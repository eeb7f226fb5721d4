import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { type BreakingProxy, breakingProxy, type FaultPlan } from './breaking-proxy.js';
import { type ChdbEngine, chdbHttpServer } from './chdb-http.js';
import { exporterStatements } from './clickhouse-engine.js';

let databases = 0;

/** A client that reaches ClickHouse over TCP through a proxy that breaks what `plan` picks. */
export interface ClickHouseOverNetwork {
  client: ClickHouseClient;
  proxy: BreakingProxy;
  close(): Promise<void>;
}

/**
 * `@clickhouse/client` over real HTTP and TCP: the client, a breaking proxy, ClickHouse's HTTP
 * interface in front of chdb (test/helpers/chdb-http.ts), on a database of its own holding the
 * exporter's tables. The client times out after `requestTimeoutMs` and opens a connection per
 * request (the proxy decides per connection).
 */
export async function clickhouseOverNetwork(
  plan: FaultPlan,
  requestTimeoutMs = 1_500,
): Promise<ClickHouseOverNetwork> {
  const { createChdbConnection } = await import('chdb/connection');
  const engine = await chdbHttpServer(createChdbConnection({ path: ':memory:' }) as unknown as ChdbEngine);
  const proxy = await breakingProxy(engine.url, plan);
  const database = `faultline_net_${process.pid}_${++databases}`;
  const setup = createClient({ url: engine.url, log: { level: ClickHouseLogLevel.OFF } });
  await setup.command({ query: `CREATE DATABASE ${database}` });
  for (const query of exporterStatements('exporter-current', database)) await setup.command({ query });
  await setup.close();
  const client = createClient({
    url: proxy.url,
    database,
    request_timeout: requestTimeoutMs,
    keep_alive: { enabled: false },
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    client,
    proxy,
    async close() {
      await client.close();
      await proxy.close();
      await engine.close();
    },
  };
}
