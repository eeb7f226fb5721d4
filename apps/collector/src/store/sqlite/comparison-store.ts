import type { Attributes } from '@faultline/model';
import type Database from 'better-sqlite3';
import type { ComparisonSamples } from '../types.js';
import { type Dictionary, decodeAttributes } from './dictionary.js';
import { blobToId, idToBlob } from './span-rows.js';

/** How many spans each side of a group comparison samples, newest first. */
const SAMPLE = 200;

interface AttributeRow {
  service: string;
  name: string;
  attributes: string;
  resource: string;
}

/** Queries that find what a failure should be compared with. All go through indexes; none scans spans. */
export class ComparisonStore {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly keys: Dictionary,
  ) {
    this.stmt = {
      entryOf: db
        .prepare('SELECT root_service, root_name, start_ns FROM traces WHERE trace_id = ?')
        .safeIntegers(),
      // The nearest successful trace of the same entry: the closest before and the closest after.
      before: db
        .prepare(
          `SELECT trace_id, start_ns FROM traces WHERE root_service = ? AND root_name = ? AND start_ns <= ?
         AND error_count = 0 AND trace_id <> ? ORDER BY start_ns DESC LIMIT 1`,
        )
        .safeIntegers(),
      after: db
        .prepare(
          `SELECT trace_id, start_ns FROM traces WHERE root_service = ? AND root_name = ? AND start_ns >= ?
         AND error_count = 0 AND trace_id <> ? ORDER BY start_ns LIMIT 1`,
        )
        .safeIntegers(),
      failingOrigins: db.prepare(
        `SELECT s.service, s.name, s.attributes, r.attributes AS resource, t.root_service, t.root_name
         FROM traces t
         JOIN spans s ON s.trace_key = t.trace_key AND s.span_id = t.origin_span_id
         JOIN resources r ON r.resource_id = s.resource_id
         WHERE t.fingerprint = ? ORDER BY t.start_ns DESC LIMIT ${SAMPLE}`,
      ),
      succeedingSpans: db.prepare(
        `SELECT s.service, s.name, s.attributes, r.attributes AS resource
         FROM traces t
         JOIN spans s ON s.trace_key = t.trace_key
         JOIN resources r ON r.resource_id = s.resource_id
         WHERE t.root_service = ? AND t.root_name = ? AND t.error_count = 0 AND s.service = ? AND s.name = ?
         ORDER BY t.start_ns DESC LIMIT ${SAMPLE}`,
      ),
    };
  }

  private merged(row: AttributeRow): Attributes {
    return { ...JSON.parse(row.resource), ...decodeAttributes(row.attributes, this.keys) };
  }

  /** The successful trace of the same entry service and operation closest in time, if any. */
  nearestSuccessfulTrace(traceId: string): string | null {
    const id = idToBlob(traceId);
    const entry = this.stmt.entryOf.get(id) as
      | { root_service: string | null; root_name: string | null; start_ns: bigint }
      | undefined;
    if (!entry || entry.root_service === null || entry.root_name === null) return null;
    const args = [entry.root_service, entry.root_name, entry.start_ns, id] as const;
    const before = this.stmt.before.get(...args) as { trace_id: Buffer; start_ns: bigint } | undefined;
    const after = this.stmt.after.get(...args) as { trace_id: Buffer; start_ns: bigint } | undefined;
    const distance = (row: { start_ns: bigint } | undefined) =>
      row === undefined
        ? null
        : row.start_ns > entry.start_ns
          ? row.start_ns - entry.start_ns
          : entry.start_ns - row.start_ns;
    const [db, da] = [distance(before), distance(after)];
    const nearest = db === null ? after : da === null ? before : da < db ? after : before;
    return nearest ? blobToId(nearest.trace_id) : null;
  }

  /** The origin spans of a group's traces and the same operation's spans in successful requests. */
  groupSamples(fingerprint: string): ComparisonSamples | null {
    const failing = this.stmt.failingOrigins.all(fingerprint) as (AttributeRow & {
      root_service: string;
      root_name: string;
    })[];
    const first = failing[0];
    if (!first) return null;
    const succeeding = this.stmt.succeedingSpans.all(
      first.root_service,
      first.root_name,
      first.service,
      first.name,
    ) as AttributeRow[];
    return {
      service: first.service,
      operation: first.name,
      failing: failing.map((row) => this.merged(row)),
      succeeding: succeeding.map((row) => this.merged(row)),
    };
  }
}
