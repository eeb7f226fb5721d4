import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';

/** The exporter schemas reproduced as fixtures (see the SQL files for their source versions). */
export type ExporterDdl = 'exporter-current' | 'exporter-legacy' | 'none';

const FIXTURES = join(import.meta.dirname, '../fixtures/clickhouse');

const TABLES = [
  'otel_traces_trace_id_ts_mv',
  'otel_traces',
  'otel_traces_trace_id_ts',
  'otel_logs',
  'faultline_finalized',
  'faultline_verdicts',
];

/** The statements of a fixture DDL file, verbatim (statements end on a line holding only ";"). */
export function exporterStatements(ddl: Exclude<ExporterDdl, 'none'>): string[] {
  return readFileSync(join(FIXTURES, `${ddl}.sql`), 'utf8')
    .split(/^;$/m)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter(Boolean);
}

/**
 * A client on a real ClickHouse engine: `chdb` (ClickHouse 26.x in this process) through
 * `@clickhouse/client`'s `createClient({ connection })`. chdb binds one engine per process, so a
 * fresh database is the same engine with every table dropped; the exporter's DDL is then run as is.
 */
export async function chdbClient(ddl: ExporterDdl = 'exporter-current'): Promise<ClickHouseClient> {
  const { createChdbConnection } = await import('chdb/connection');
  // chdb 3.4 types its connection against @clickhouse/client-common 1.23.0; @clickhouse/client 1.23.1
  // bundles a common whose settings type grew one key. The runtime contract is the same.
  const connection = createChdbConnection({
    path: ':memory:',
  }) as unknown as ClickHouseClientConfigOptions['connection'];
  const client = createClient({ connection });
  for (const table of TABLES) await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
  if (ddl !== 'none') for (const query of exporterStatements(ddl)) await client.command({ query });
  return client;
}
