import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import type { RunningPostgres } from './harness/postgres.js';
import { postgresBinDir, startPostgres } from './harness/postgres.js';
import { hasServerSpan } from './harness/trace-queries.js';

const binaries = postgresBinDir();
if (!binaries) console.warn('PostgreSQL binaries not found (set PG_BIN): skipping the PostgreSQL tests');

let postgres: RunningPostgres;
let collector: RunningCollector;
let app: AppProcess;

function spanNamed(trace: StoredTrace, name: string) {
  return trace.spans.find((span) => span.name === name || span.name.startsWith(`${name} `));
}

describe.skipIf(!binaries)('PostgreSQL through pg under @faultline/instrument', () => {
  beforeAll(async () => {
    [postgres, collector] = await Promise.all([startPostgres(), startCollector()]);
    app = await startApp('pg-app.cjs', {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
        DATABASE_URL: postgres.url,
        OTEL_SERVICE_NAME: 'orders-pg',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await collector?.stop();
    postgres?.stop();
  });

  it('keeps query text parameterised: placeholders, never the bound values', async () => {
    const response = await app.get('/query');
    expect(JSON.parse(response.body)).toEqual({ answer: 'card-4242-secret' });
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const query = trace.spans.find((span) => span.attributes['db.query.text'] !== undefined);
    expect(query?.attributes['db.query.text']).toBe('SELECT $1::text AS answer');
    expect(JSON.stringify(trace.spans)).not.toContain('card-4242-secret');
  });

  it('marks a statement timeout with SQLSTATE 57014 as db.response.status_code and error.type', async () => {
    const response = await app.get('/slow');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const query = trace.spans.find((span) => span.attributes['db.query.text'] === 'SELECT pg_sleep(1)');
    expect(query?.status.code).toBe('ERROR');
    expect(query?.status.message).toBe('canceling statement due to statement timeout');
    expect(query?.attributes['db.response.status_code']).toBe('57014');
    expect(query?.attributes['error.type']).toBe('57014');
    const diagnosed = await collector.waitForTrace(response.traceId!, (t) => t.diagnosis !== null);
    expect(diagnosed.diagnosis).toMatchObject({ cause: 'db_timeout', originSpanId: query!.spanId });
  });

  it('marks a query on a missing relation with SQLSTATE 42P01', async () => {
    const response = await app.get('/missing-table');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const query = trace.spans.find((span) =>
      String(span.attributes['db.query.text']).includes('no_such_table'),
    );
    expect(query?.attributes['db.response.status_code']).toBe('42P01');
  });

  it('says on the failing pg-pool.connect span that a leak exhausted the pool, with the pool state', async () => {
    expect((await app.get('/leak')).status).toBe(200);
    expect((await app.get('/leak')).status).toBe(200);
    const response = await app.get('/query');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const connect = spanNamed(trace, 'pg-pool.connect');
    expect(connect?.status).toEqual({ code: 'ERROR', message: 'timeout exceeded when trying to connect' });
    expect(connect?.attributes).toMatchObject({
      'faultline.pool.total': 2,
      'faultline.pool.idle': 0,
      'faultline.pool.max': 2,
      'faultline.pool.exhausted': true,
      'error.type': 'pool_exhausted',
    });
    expect(connect?.attributes['faultline.pool.waiting']).toBeTypeOf('number');
    expect(connect!.durationMs).toBeGreaterThanOrEqual(250);
    // End to end: the collector's diagnosis reads this evidence as the contract's cause.
    const diagnosed = await collector.waitForTrace(response.traceId!, (t) => t.diagnosis !== null);
    expect(diagnosed.diagnosis).toMatchObject({ cause: 'db_pool_exhausted', originSpanId: connect!.spanId });
  });
});
