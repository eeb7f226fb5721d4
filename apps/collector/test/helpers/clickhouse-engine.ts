import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';

/** The exporter schemas reproduced as fixtures (see the SQL files for their source versions). */
export type ExporterDdl = 'exporter-current' | 'exporter-legacy' | 'none';

const FIXTURES = join(import.meta.dirname, '../fixtures/clickhouse');

let databases = 0;

/**
 * The statements of a fixture DDL file, verbatim but for the database the exporter renders into them
 * (`default` in the fixtures). Statements end on a line holding only ";".
 */
export function exporterStatements(ddl: Exclude<ExporterDdl, 'none'>, database: string): string[] {
  return readFileSync(join(FIXTURES, `${ddl}.sql`), 'utf8')
    .split(/^;$/m)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter(Boolean)
    .map((s) => s.replace(/(["`]?)\bdefault\1\./g, `$1${database}$1.`));
}

/**
 * A client on a real ClickHouse engine: `chdb` (ClickHouse 26.x in this process) through
 * `@clickhouse/client`'s `createClient({ connection })`, on a database of its own. chdb runs one
 * engine per process and a `USE` holds per connection, so stores opened side by side stay apart.
 * The exporter's DDL is then run as the exporter renders it.
 */
export async function chdbClient(ddl: ExporterDdl = 'exporter-current'): Promise<ClickHouseClient> {
  const { createChdbConnection } = await import('chdb/connection');
  // chdb 3.4 types its connection against @clickhouse/client-common 1.23.0; @clickhouse/client 1.23.1
  // bundles a common whose settings type grew one key. The runtime contract is the same.
  const connection = createChdbConnection({
    path: ':memory:',
  }) as unknown as ClickHouseClientConfigOptions['connection'];
  const client = createClient({ connection });
  const database = `faultline_test_${process.pid}_${++databases}`;
  await client.command({ query: `CREATE DATABASE ${database}` });
  await client.command({ query: `USE ${database}` });
  if (ddl !== 'none') for (const query of exporterStatements(ddl, database)) await client.command({ query });
  return client;
}
