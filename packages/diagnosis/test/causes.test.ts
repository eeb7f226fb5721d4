import { describe, expect, it } from 'vitest';
import type { Cause, Diagnosis } from '../src/index.js';
import { CAUSE_LABELS, diagnoseTrace } from '../src/index.js';
import type { Fault, GatewayHandling } from './fixtures/faults.js';
import { checkoutTrace } from './fixtures/scenarios.js';

interface CauseCase {
  fault: Fault;
  handling?: GatewayHandling;
  cause: Cause;
  /** Landmark span (scenario id) the origin must be. */
  origin: string;
  originService: string;
  summary: RegExp;
  evidence: (d: Diagnosis) => void;
}

const cases: CauseCase[] = [
  {
    fault: 'pool_exhausted',
    cause: 'db_pool_exhausted',
    origin: 'db',
    originService: 'orders',
    summary:
      /^500 originated in orders › pg-pool\.connect: the connection pool \(max 10\) was exhausted; 14 requests were waiting/,
    evidence: (d) => expect(d.evidence.pool).toEqual({ total: 10, idle: 0, waiting: 14, max: 10 }),
  },
  {
    fault: 'pg_statement_timeout',
    cause: 'db_timeout',
    origin: 'db',
    originService: 'orders',
    summary: /postgresql query timed out \(SQLSTATE 57014: canceling statement due to statement timeout\)/,
    evidence: (d) => {
      expect(d.evidence.dbErrorCode).toBe('57014');
      expect(d.evidence.queryText).toBe('SELECT id, status, total FROM orders WHERE id = $1');
    },
  },
  {
    fault: 'sqlite_busy',
    cause: 'db_timeout',
    origin: 'db',
    originService: 'orders',
    summary: /sqlite database was locked and the query gave up waiting \(SQLITE_BUSY: database is locked\)/,
    evidence: (d) => {
      expect(d.evidence.dbSystem).toBe('sqlite');
      expect(d.evidence.topFrame).toEqual({
        functionName: 'reserveStock',
        file: '/srv/orders/src/stock.js',
        line: 18,
        column: 8,
      });
    },
  },
  {
    fault: 'pg_missing_relation',
    cause: 'db_error',
    origin: 'db',
    originService: 'orders',
    summary: /postgresql rejected the query \(SQLSTATE 42P01: relation "ordrs" does not exist\)/,
    evidence: (d) => expect(d.evidence.peerAddress).toBe('localhost:5432'),
  },
  {
    fault: 'orders_refused',
    cause: 'upstream_unreachable',
    origin: 'fetch',
    originService: 'gateway',
    summary:
      /^500 originated in gateway › GET localhost:4001: could not connect to localhost:4001 \(connect ECONNREFUSED 127\.0\.0\.1:4001\)\.$/,
    evidence: (d) => expect(d.evidence.errorCodes).toContain('ECONNREFUSED'),
  },
  {
    fault: 'orders_refused',
    handling: 'proxy',
    cause: 'upstream_unreachable',
    origin: 'fetch',
    originService: 'gateway',
    summary: /^502 originated in gateway › GET localhost:4001: could not connect/,
    evidence: (d) => expect(d.evidence.entryStatusCode).toBe(502),
  },
  {
    fault: 'orders_timeout',
    handling: 'proxy',
    cause: 'upstream_timeout',
    origin: 'fetch',
    originService: 'gateway',
    summary:
      /^504 originated in gateway › GET localhost:4001: the call to localhost:4001 timed out after 1000 ms .*orders was still working on it/,
    evidence: (d) =>
      expect(d.evidence.upstream).toMatchObject({ service: 'orders', outcome: 'still running' }),
  },
  {
    fault: 'orders_aborted',
    cause: 'upstream_timeout',
    origin: 'fetch',
    originService: 'gateway',
    summary: /^500 originated in gateway › GET localhost:4001: the call to localhost:4001 timed out/,
    evidence: (d) => expect(d.evidence.matchedRule).toMatch(/no answer before its caller gave up/),
  },
  {
    fault: 'upstream_uninstrumented',
    cause: 'uninstrumented_upstream',
    origin: 'fetch',
    originService: 'gateway',
    summary:
      /^500 originated in gateway › GET 10\.0\.0\.7:8080: 10\.0\.0\.7:8080 answered 503 and sent no spans of its own/,
    evidence: (d) => expect(d.evidence.httpStatusCode).toBe(503),
  },
  {
    fault: 'orders_exception',
    cause: 'exception',
    origin: 'ordersHandler',
    originService: 'orders',
    summary:
      /^500 originated in orders › request handler - \/orders\/:id: unhandled TypeError: Cannot read properties of undefined \(reading 'price'\) at \/srv\/orders\/src\/pricing\.js:14/,
    evidence: (d) => expect(d.evidence.topFrame?.functionName).toBe('priceOf'),
  },
  {
    fault: 'orders_explicit_503',
    handling: 'proxy',
    cause: 'explicit_5xx',
    origin: 'ordersServer',
    originService: 'orders',
    summary: /^503 originated in orders › GET \/orders\/:id: the handler answered 503 without an exception/,
    evidence: (d) =>
      expect(d.evidence.logs.map((l) => l.body)).toEqual(['maintenance mode: refusing orders']),
  },
];

describe('diagnoseTrace names the cause from what real instrumentations record', () => {
  it.each(cases)('$fault ($handling) is $cause at $origin', (c) => {
    const scenario = checkoutTrace(c.fault, c.handling);
    const diagnosis = diagnoseTrace(scenario.spans, scenario.logs);
    expect(diagnosis).not.toBeNull();
    const d = diagnosis!;
    expect(d.cause).toBe(c.cause);
    expect(d.originSpanId).toBe(scenario.ids[c.origin]);
    expect(d.originService).toBe(c.originService);
    expect(d.summary).toMatch(c.summary);
    expect(d.path[0]).toBe(scenario.ids.gatewayServer);
    expect(d.path[d.path.length - 1]).toBe(d.originSpanId);
    expect(d.nextSteps.length).toBeGreaterThanOrEqual(3);
    c.evidence(d);
  });

  it('labels every cause for a person to read', () => {
    expect(CAUSE_LABELS.db_pool_exhausted).toBe('connection pool exhausted');
    expect(Object.values(CAUSE_LABELS).every((label) => label.length > 0)).toBe(true);
  });

  it('returns null when the entry request succeeded', () => {
    const scenario = checkoutTrace('none');
    expect(diagnoseTrace(scenario.spans, scenario.logs)).toBeNull();
  });

  it('keeps the verdict JSON-safe: no bigint anywhere', () => {
    const scenario = checkoutTrace('pool_exhausted');
    const diagnosis = diagnoseTrace(scenario.spans, scenario.logs);
    expect(() => JSON.stringify(diagnosis)).not.toThrow();
  });
});
