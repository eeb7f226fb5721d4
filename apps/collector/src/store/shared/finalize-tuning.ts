import type { FinalizeTuning } from '../types.js';

/*
 * How the finalizer loop runs on each backend (Store.finalizeTuning), side by side so the two can be
 * compared; each backend hands out its own.
 */

/**
 * SQLite finalizes in-process on the event loop: short rounds, each cut into 1 ms slices, so a query
 * arriving behind the finalizer waits for one slice (bench/RESULTS.md).
 */
export const SQLITE_FINALIZE_TUNING: Readonly<FinalizeTuning> = {
  quietMs: 500,
  intervalMs: 250,
  batchSize: 1000,
  roundBudgetMs: 50,
  sliceMs: 1,
};

/**
 * On ClickHouse a round mostly waits on queries (the event loop stays free), so it may run longer,
 * less often; quiet is judged by span end times of exporters that batch for seconds, so it is 5 s.
 */
export const CLICKHOUSE_FINALIZE_TUNING: Readonly<FinalizeTuning> = {
  quietMs: 5000,
  intervalMs: 1000,
  batchSize: 1000,
  roundBudgetMs: 2000,
};
