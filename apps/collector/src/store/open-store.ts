import type { CollectorConfig } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** What the collector hands the store beyond its configuration. */
export interface OpenStoreHooks {
  /** Failed writes nobody waits on (ClickHouse's batched verdicts), for the collector's log. */
  onBackgroundError?: (error: unknown, failures: number) => void;
}

/**
 * Opens the store the configuration names. The ClickHouse store and its client are imported only
 * when asked for, so a SQLite collector never loads them at start.
 */
export async function openStore(config: CollectorConfig, hooks: OpenStoreHooks = {}): Promise<Store> {
  if (config.store === 'sqlite') {
    return new SqliteStore({
      path: config.dbPath,
      retentionMs: config.retentionMs,
      maxDbBytes: config.maxDbBytes,
    });
  }
  const [{ createClient, ClickHouseLogLevel }, { ClickHouseStore }] = await Promise.all([
    import('@clickhouse/client'),
    import('./clickhouse/clickhouse-store.js'),
  ]);
  const { url, database, user, password } = config.clickhouse;
  const client = createClient({
    url,
    ...(database ? { database } : {}),
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    application: 'faultline',
    // Failures reach the caller as errors (and the collector's log); the client's own logger would say them twice.
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    return await ClickHouseStore.open({
      client,
      retentionMs: config.retentionMs,
      ...(hooks.onBackgroundError ? { onBackgroundError: hooks.onBackgroundError } : {}),
    });
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Where the store is, for the startup banner and errors (no credentials). */
export function describeStore(config: CollectorConfig): string {
  if (config.store === 'sqlite') return config.dbPath;
  const url = new URL(config.clickhouse.url ?? '');
  url.username = '';
  url.password = '';
  return `ClickHouse ${url.origin}${url.pathname === '/' ? '' : url.pathname} database ${config.clickhouse.database ?? 'default'}`;
}
