import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseTrace, failureFingerprint } from '../src/index.js';
import { spansFromWire } from './fixtures/wire-fixtures.js';

/*
 * Traces recorded from the real demo services (gateway and orders with @faultline/instrument, legacy
 * without it, SQLite or PostgreSQL), as the query API returned them. Re-record with
 * apps/demo/scripts/record-fixtures.mjs after an instrumentation change. Two sets:
 * - recorded/: today's instrumentation (Faultline's own HTTP, Fastify and Express tracing);
 * - recorded/2026-11-instrumentation/: the set before it, with @fastify/otel's handler spans and
 *   instrumentation-express's middleware and `request handler` spans. Services running older
 *   instrumentations (or plain OpenTelemetry) still send traces of that shape.
 */
const SETS = [
  join(import.meta.dirname, 'fixtures/recorded'),
  join(import.meta.dirname, 'fixtures/recorded/2026-11-instrumentation'),
];

const COMMON: { fault: string; originService: string; cause: string }[] = [
  { fault: 'exception', originService: 'orders', cause: 'exception' },
  { fault: 'explicit-500', originService: 'orders', cause: 'explicit_5xx' },
  { fault: 'wrong-upstream', originService: 'gateway', cause: 'upstream_unreachable' },
  { fault: 'upstream-timeout', originService: 'gateway', cause: 'upstream_timeout' },
  { fault: 'legacy-500', originService: 'gateway', cause: 'uninstrumented_upstream' },
];
const EXPECTED: { file: string; originService: string; cause: string; originName?: RegExp }[] = [
  ...COMMON.map((c) => ({ ...c, file: `${c.fault}.sqlite.json` })),
  ...COMMON.map((c) => ({ ...c, file: `${c.fault}.pg.json` })),
  // SQLite: the orders database locked by another connection (SQLITE_BUSY after the busy timeout).
  { file: 'db-pool.sqlite.json', originService: 'orders', cause: 'db_timeout' },
  // PostgreSQL: a leak holds the pool's clients, so pg-pool.connect times out.
  {
    file: 'db-pool.pg.json',
    originService: 'orders',
    cause: 'db_pool_exhausted',
    originName: /pg-pool\.connect/,
  },
  // PostgreSQL: statement_timeout cancels pg_sleep (SQLSTATE 57014).
  { file: 'slow-query.pg.json', originService: 'orders', cause: 'db_timeout' },
];

describe.each(SETS)('traces recorded from the real demo services (%s)', (dir) => {
  function load(file: string) {
    return spansFromWire(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  }

  it.each(EXPECTED)(
    '$file: the verdict names $originService and $cause',
    ({ file, originService, cause, originName }) => {
      const { spans, logs } = load(file);
      const diagnosis = diagnoseTrace(spans, logs)!;
      expect(diagnosis).not.toBeNull();
      expect(diagnosis.originService).toBe(originService);
      expect(diagnosis.cause).toBe(cause);
      const origin = spans.find((s) => s.spanId === diagnosis.originSpanId)!;
      if (originName) expect(origin.name).toMatch(originName);
      expect(diagnosis.path[0]).toBe(
        spans.find((s) => s.parentSpanId === null && s.service === 'gateway')!.spanId,
      );
      expect(failureFingerprint(diagnosis, spans)).toContain(cause);
    },
  );

  it.each(['ok.sqlite.json', 'ok.pg.json'])('%s: a request that succeeded has no verdict', (file) => {
    const { spans, logs } = load(file);
    expect(diagnoseTrace(spans, logs)).toBeNull();
  });
});
