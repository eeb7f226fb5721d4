import type { ClickHouseClient } from '@clickhouse/client';
import type { LogRecord, Span } from '@faultline/model';
import { StoreUnavailableError } from '../store.js';
import type { ExporterSchema } from './clickhouse-schema.js';
import { logToExporterRow, spanToExporterRow } from './exporter-rows.js';

/*
 * ClickHouse's error codes that mean "these rows are wrong", from ClickHouse's ErrorCodes.cpp: the
 * same rows would fail the same way on a retry. Everything else an insert can throw is a condition
 * of the store or of the way to it (refused or reset connection, the client's "Timeout error.",
 * TOO_MANY_PARTS, MEMORY_LIMIT_EXCEEDED, TABLE_IS_READ_ONLY, a replica or Keeper away, bad
 * credentials), which the client must retry rather than drop its batch.
 */
const CONTENT_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  '407', // DECIMAL_OVERFLOW: a time past DateTime64(9)'s range (after 2262)
]);

/**
 * TOO_MANY_PARTS is the server's load, except "Too many partitions for single INSERT block": the
 * rows' dates span more days than an insert may (the exporter's tables are partitioned by day).
 */
const TOO_MANY_PARTS = '252';

/**
 * An error the ClickHouse server answered with (`Code: N. DB::Exception: … (TYPE)`), by shape: the
 * client's `ClickHouseError` and chdb's (another copy of the same class) carry a numeric `code`.
 */
function serverCode(error: unknown): string | null {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return null;
  return /^\d+$/.test(error.code) ? error.code : null;
}

/** Whether ClickHouse refused an insert for what the rows hold (a retry of them would fail the same way). */
function isRefusedContent(error: unknown): boolean {
  const code = serverCode(error);
  if (code === null) return false;
  if (code === TOO_MANY_PARTS)
    return /partitions for (a )?single insert block/i.test((error as Error).message);
  return CONTENT_CODES.has(code);
}

/**
 * Inserts a batch as the exporter would (JSONEachRow); resolves once ClickHouse acknowledged it.
 * Two inserts (the exporter's materialized view fills the trace-id lookup table within the spans'
 * one), so a failure may leave half a batch. Logs go first: spans that are visible always have the
 * logs of their batch, and the finalizer judges a trace by both. The client retries a batch it was
 * not told landed, and every read collapses the duplicates that leaves (docs/scale-out.md).
 */
export async function writeBatch(
  client: ClickHouseClient,
  schema: ExporterSchema,
  spans: readonly Span[],
  logs: readonly LogRecord[],
): Promise<void> {
  // Rows are built before any insert: a value that cannot be converted refuses the batch (400).
  const logRows = schema.logColumns.size > 0 ? logs.map((l) => logToExporterRow(l, schema)) : [];
  const spanRows = spans.map((s) => spanToExporterRow(s, schema));
  if (logRows.length > 0) await insert(client, 'otel_logs', logRows);
  if (spanRows.length > 0) await insert(client, 'otel_traces', spanRows);
}

/**
 * Runs one insert and rethrows its failure as the Store contract wants it: the server's refusal of
 * the content as is (400 to the client), anything else as `StoreUnavailableError` (503, retry).
 */
async function insert(client: ClickHouseClient, table: string, values: unknown[]): Promise<void> {
  try {
    await client.insert({ table, values, format: 'JSONEachRow' });
  } catch (error) {
    if (isRefusedContent(error)) throw error;
    throw new StoreUnavailableError(`ClickHouse insert into ${table} failed (${reasonOf(error)})`, {
      cause: error,
    });
  }
}

/**
 * A short name for a failure, safe to answer a client with: the system error's code (ECONNRESET),
 * the server's error type (TOO_MANY_PARTS), else the first line of the message, which for these
 * failures comes from the network layer or the client, never from the rows.
 */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if ('type' in error && typeof error.type === 'string' && serverCode(error) !== null) return error.type;
    if ('code' in error && typeof error.code === 'string') return error.code;
    return error.message.split('\n')[0]!.slice(0, 120);
  }
  return String(error).slice(0, 120);
}
