import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('fastify-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl } });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

function sqliteSpans(trace: StoredTrace) {
  return trace.spans.filter((span) => span.attributes['db.system.name'] === 'sqlite');
}

describe('better-sqlite3 under @faultline/instrument', () => {
  it('traces a prepared statement as a CLIENT span named after operation and table, without bound values', async () => {
    const response = await app.get('/sqlite');
    expect(response.status).toBe(200);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const [span] = sqliteSpans(trace);
    expect(span).toMatchObject({
      name: 'SELECT orders',
      kind: 'CLIENT',
      status: { code: 'UNSET' },
      attributes: {
        'db.system': 'sqlite',
        'db.query.text': 'SELECT id, total FROM orders WHERE id = ?',
        'db.operation.name': 'SELECT',
        'db.collection.name': 'orders',
        'db.namespace': 'orders.db',
      },
    });
    // A successful Fastify request has no handler span: the statement runs under the server span.
    expect(span!.parentSpanId).toBe(serverSpan(trace)!.spanId);
  });

  it('keeps the span of an iterated statement open until iteration ends', async () => {
    const response = await app.get('/sqlite-iterate');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(sqliteSpans(trace).map((span) => span.name)).toEqual(['SELECT orders']);
  });

  it('records SQLITE_BUSY, provoked by a second connection holding BEGIN EXCLUSIVE, as an ERROR span', async () => {
    const response = await app.get('/sqlite-busy');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const insert = sqliteSpans(trace).find((span) => span.name === 'INSERT orders');
    expect(insert?.status).toEqual({ code: 'ERROR', message: 'database is locked' });
    expect(insert?.attributes['db.response.status_code']).toBe('SQLITE_BUSY');
    expect(insert?.attributes['error.type']).toBe('SQLITE_BUSY');
    expect(exceptionEvents(insert!).map((event) => event.attributes['exception.type'])).toEqual([
      'SQLITE_BUSY',
    ]);
    // The handler rethrew; the statement's span is a child of the server span that records that, so
    // the diagnosis follows the failure down to the statement.
    expect(insert!.parentSpanId).toBe(serverSpan(trace)!.spanId);
    expect(trace.diagnosis).toMatchObject({ originSpanId: insert!.spanId, cause: 'db_timeout' });
  });

  it('records a statement that fails to prepare (missing table) as an ERROR span with SQLITE_ERROR', async () => {
    const response = await app.get('/sqlite-missing-table');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const [span] = sqliteSpans(trace);
    expect(span?.name).toBe('SELECT no_such_table');
    expect(span?.status).toEqual({ code: 'ERROR', message: 'no such table: no_such_table' });
    expect(span?.attributes['db.response.status_code']).toBe('SQLITE_ERROR');
  });
});
