/*
 * Every fault switch end to end with orders on PostgreSQL (a throwaway cluster from the global setup),
 * where db-pool exhausts a real pg Pool and slow-query hits a real statement_timeout.
 */
import { describe, inject } from 'vitest';
import { defineFaultSuite } from './support/fault-suite.js';

const postgresUrl = inject('postgresUrl');
const title =
  postgresUrl === null
    ? `fault switches, orders on PostgreSQL (skipped: ${inject('postgresMissing')})`
    : 'fault switches, orders on PostgreSQL';

describe.skipIf(postgresUrl === null)(title, () => {
  defineFaultSuite('postgresql', postgresUrl ?? undefined);
});
