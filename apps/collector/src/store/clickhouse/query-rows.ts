import type { ClickHouseClient } from '@clickhouse/client';

/** Values bound to `{name:Type}` placeholders; nothing is ever spliced into the SQL text. */
export type QueryParams = Record<string, unknown>;

/** Runs a SELECT with bound parameters and returns its rows (64-bit integers arrive as strings). */
export async function queryRows<T>(
  client: ClickHouseClient,
  query: string,
  params: QueryParams = {},
): Promise<T[]> {
  const result = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  return result.json<T>();
}

/** Nanoseconds as a query parameter (Int64 bound as its decimal text, exact beyond 2^53). */
export const ns = (value: bigint): string => value.toString();
