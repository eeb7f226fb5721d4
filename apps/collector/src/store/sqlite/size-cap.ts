import type Database from 'better-sqlite3';

/** A trace chosen for deletion: its row's key and its id. */
export interface Victim {
  key: number;
  id: Buffer;
}

/** How the database is kept under `--max-db-size`. */
export interface SizeCapOptions {
  maxDbBytes: number;
  /** The newest this many traces are never pruned for size, whatever they weigh. */
  keepNewestTraces: number;
}

/**
 * The hard limit past the cap: writes that would grow the file beyond it fail (SQLITE_FULL, which
 * ingest answers 503 + Retry-After) until pruning has made room. A quarter of the cap, at least 4 MiB,
 * leaves the pruner room to catch up with a burst without refusing it.
 */
export function hardLimitBytes(maxDbBytes: number): number {
  return maxDbBytes + Math.max(maxDbBytes / 4, 4 * 1024 * 1024);
}

/**
 * Keeps the SQLite file near its size cap, on the write connection. The hard limit is SQLite's own
 * `max_page_count`, checked as every write commits (ingest can fill hundreds of MiB between two
 * retention rounds a minute apart); the soft cap is checked after every write, and the pruner takes
 * the oldest successful traces first, failing ones only when no successful one is left, and never one
 * of the newest `keepNewestTraces` (when space is held by something pruning cannot free, the
 * attribute-key dictionary say, deleting traces until under the cap would delete every one).
 */
export class SqliteSizeCap {
  private readonly stmt;
  private readonly pageSize: number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SizeCapOptions,
  ) {
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
    // SQLite never lowers max_page_count below the pages in use: a file already past a lowered cap
    // takes no new pages until pruning frees some.
    db.pragma(`max_page_count = ${Math.floor(hardLimitBytes(options.maxDbBytes) / this.pageSize)}`);
    this.stmt = {
      newestKept: db
        .prepare('SELECT start_ns FROM traces ORDER BY start_ns DESC LIMIT 1 OFFSET ?')
        .pluck()
        .safeIntegers(),
      oldestSuccessful: db.prepare(
        `SELECT trace_key AS key, trace_id AS id FROM traces WHERE start_ns < ? AND error_count = 0
         ORDER BY start_ns LIMIT ?`,
      ),
      oldestFailing: db.prepare(
        `SELECT trace_key AS key, trace_id AS id FROM traces WHERE start_ns < ? AND error_count > 0
         ORDER BY start_ns LIMIT ?`,
      ),
    };
  }

  /** Bytes the database really uses: pages in use, not counting free pages awaiting reuse. */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * this.pageSize;
  }

  /** True while the database uses more than the cap. */
  overCap(): boolean {
    return this.usedBytes() > this.options.maxDbBytes;
  }

  /** Up to `max` traces to delete for size: oldest successful first, then oldest failing; never the newest. */
  victims(max: number): Victim[] {
    const floor = this.stmt.newestKept.get(this.options.keepNewestTraces - 1) as bigint | undefined;
    if (floor === undefined) return [];
    const victims = this.stmt.oldestSuccessful.all(floor, max) as Victim[];
    if (victims.length < max)
      victims.push(...(this.stmt.oldestFailing.all(floor, max - victims.length) as Victim[]));
    return victims;
  }
}

/** True for SQLite's "database or disk is full": the hard limit, or the disk itself. */
export function isStoreFull(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'SQLITE_FULL';
}
