import { createConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { originName, useZoo, verdictOf, zooMissing } from './harness/zoo.js';

// MariaDB through mysql2, mysql and knex (over mysql2), each failure produced for real by the store
// service; each test asserts the origin service and cause the collector's verdict gives.
const missing = zooMissing({ mariadb: true });

describe.skipIf(missing)(`MariaDB clients${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const zoo = useZoo({ mariadb: true });

  describe('mysql2', () => {
    it('a statement killed by max_statement_time (errno 1969, no code) is db_timeout', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/mysql2/statement-timeout', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
      expect(originName(verdict, trace)).toBe('SET');
    });

    it('a syntax error (ER_PARSE_ERROR) is db_error, with the driver code from the handler', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql2/syntax', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(verdict.evidence['dbErrorCode']).toBe('ER_PARSE_ERROR');
    });

    it('a lock wait past innodb_lock_wait_timeout (1205) is db_timeout', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/mysql2/lock-wait', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
      expect(originName(verdict, trace)).toBe('UPDATE');
    });

    it('a deadlock victim (1213) is db_error naming ER_LOCK_DEADLOCK', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/mysql2/deadlock', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(originName(verdict, trace)).toBe('UPDATE');
      expect(verdict.evidence['dbErrorCode']).toBe('ER_LOCK_DEADLOCK');
    });

    it('"Too many connections" (1040, SQLSTATE 08004) is upstream_unreachable', async () => {
      const admin = await createConnection(zoo.mariadb.url);
      await admin.query('SET GLOBAL max_connections = 4');
      await admin.end();
      try {
        const { verdict } = await verdictOf(zoo, zoo.store, '/mysql2/too-many-connections', 500);
        expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
          'store',
          'upstream_unreachable',
        ]);
        expect(verdict.evidence['dbErrorCode']).toBe('ER_CON_COUNT_ERROR');
      } finally {
        // The server keeps one connection beyond the limit for a privileged user: this one.
        const restore = await createConnection(zoo.mariadb.url);
        await restore.query('SET GLOBAL max_connections = 200');
        await restore.end();
      }
    });

    it("a pool's full queue (queueLimit) is db_pool_exhausted", async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql2/pool-queue', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_pool_exhausted']);
    });

    it('a refused connection (ECONNREFUSED) is upstream_unreachable', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql2/refused', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
    });

    it('the connection cut while a query runs (PROTOCOL_CONNECTION_LOST) is upstream_unreachable', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/mysql2/connection-lost', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
      expect(originName(verdict, trace)).toBe('SELECT');
      expect(verdict.evidence['dbErrorCode']).toBe('PROTOCOL_CONNECTION_LOST');
    });
  });

  describe('mysql', () => {
    it('a statement killed by max_statement_time (UNKNOWN_CODE_PLEASE_REPORT) is db_timeout', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql/statement-timeout', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
    });

    it('a syntax error (ER_PARSE_ERROR) is db_error', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql/syntax', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(verdict.evidence['dbErrorCode']).toBe('ER_PARSE_ERROR');
    });

    it('a refused connection (ECONNREFUSED) is upstream_unreachable', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql/refused', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
    });

    it("a pool's full queue (POOL_ENQUEUELIMIT) is db_pool_exhausted", async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql/pool-queue', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_pool_exhausted']);
    });

    it('the connection cut while a query runs (PROTOCOL_CONNECTION_LOST) is upstream_unreachable', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/mysql/connection-lost', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
    });
  });

  describe('knex over mysql2', () => {
    it('a statement killed by max_statement_time is db_timeout', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/knex/statement-timeout', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
    });

    it("a missing table is db_error with the driver's code (ER_NO_SUCH_TABLE)", async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/knex/syntax', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(verdict.evidence['dbErrorCode']).toBe('ER_NO_SUCH_TABLE');
    });

    it('a pool acquire timeout (KnexTimeoutError) is db_pool_exhausted', async () => {
      const { verdict } = await verdictOf(zoo, zoo.store, '/knex/pool-timeout', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_pool_exhausted']);
    });
  });
});
