import type Database from 'better-sqlite3';

/** One failing trace's mark on the service map: where it originated, which services it crossed. */
export interface NodeContribution {
  originated: string;
  passedThrough: string[];
}

/**
 * Per-minute counts of failures that originated in, or passed through, each service-map node,
 * maintained as failing traces are finalized. Callers pass the contribution a trace made before (to
 * take it back) and the one it makes now, so a late span that changes a verdict keeps counts exact.
 */
export class NodeMinutes {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      add: db.prepare(
        `INSERT INTO node_minutes VALUES (?, ?, ?, ?) ON CONFLICT (minute_ms, node) DO UPDATE SET
         originated = originated + excluded.originated, passed_through = passed_through + excluded.passed_through`,
      ),
      sum: db.prepare(
        `SELECT node, SUM(originated) AS originated, SUM(passed_through) AS passedThrough
         FROM node_minutes WHERE minute_ms >= ? GROUP BY node`,
      ),
      prune: db.prepare('DELETE FROM node_minutes WHERE minute_ms < ?'),
    };
  }

  /** Adds (`sign` 1) or takes back (`sign` -1) one trace's contribution in its start minute. */
  apply(minuteMs: number, contribution: NodeContribution, sign: 1 | -1): void {
    this.stmt.add.run(minuteMs, contribution.originated, sign, 0);
    for (const node of contribution.passedThrough) this.stmt.add.run(minuteMs, node, 0, sign);
  }

  /** Counts per node since `sinceMs`. */
  since(sinceMs: number): { node: string; originated: number; passedThrough: number }[] {
    return this.stmt.sum.all(Math.floor(sinceMs / 60_000) * 60_000) as {
      node: string;
      originated: number;
      passedThrough: number;
    }[];
  }

  /** Drops minutes before `cutoffMs`. */
  prune(cutoffMs: number): void {
    this.stmt.prune.run(Math.floor(cutoffMs / 60_000) * 60_000);
  }
}
