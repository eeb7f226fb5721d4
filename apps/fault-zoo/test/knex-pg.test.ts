import { describe, expect, it } from 'vitest';
import { originName, useZoo, verdictOf, zooMissing } from './harness/zoo.js';

// knex over pg on a real PostgreSQL: knex's own span records the driver's error, whose `code` is the
// SQLSTATE; instrumentation-pg's query span below it carries it too.
const missing = zooMissing({ postgres: true });

describe.skipIf(missing)(`knex over pg${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const zoo = useZoo({ postgres: true });

  it('statement_timeout (SQLSTATE 57014) is db_timeout', async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.store, '/knex-pg/statement-timeout', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
    expect(verdict.evidence['dbErrorCode']).toBe('57014');
    expect(originName(verdict, trace)).toBe('pg.query:SELECT postgres');
  });

  it('a missing relation (SQLSTATE 42P01) is db_error', async () => {
    const { verdict } = await verdictOf(zoo, zoo.store, '/knex-pg/missing-table', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
    expect(verdict.evidence['dbErrorCode']).toBe('42P01');
  });
});
