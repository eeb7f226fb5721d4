import { describe, expect, it } from 'vitest';
import { httpServerSpan, pgQuerySpan, undiciFetchSpan } from '../test/fixtures/instrumentations.js';
import { TraceBuilder } from '../test/fixtures/trace-builder.js';
import { diagnoseTrace } from './diagnose-trace.js';

describe('evidence', () => {
  it('keeps error codes and drops plain upper-case words read from messages', () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'gw',
      method: 'GET',
      route: '/a',
      path: '/a',
      port: 3000,
      status: 502,
      startMs: 0,
      endMs: 5,
    });
    undiciFetchSpan(t, {
      service: 'gw',
      parent: server,
      method: 'GET',
      url: 'http://stock:8080/a',
      error: { name: 'Error', code: 'ECONNREFUSED', message: 'ERROR GET connect ECONNREFUSED 10.1.2.3:8080' },
      startMs: 1,
      endMs: 2,
    });
    expect(diagnoseTrace(t.spans)!.evidence.errorCodes).toEqual(['ECONNREFUSED']);
  });

  it("reads the route of the origin's own service and hides instrumentation-pg's sanitised message", () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/orders/:id',
      path: '/orders/1',
      port: 4001,
      status: 500,
      startMs: 0,
      endMs: 5,
    });
    pgQuerySpan(t, {
      service: 'orders',
      parent: server,
      text: 'SELECT 1 FROM ordrs',
      error: { code: '42P01', message: 'relation "ordrs" does not exist' },
      startMs: 1,
      endMs: 2,
    });
    const e = diagnoseTrace(t.spans)!.evidence;
    expect(e).toMatchObject({
      httpRoute: '/orders/:id',
      operation: 'pg.query:SELECT shop',
      dbErrorCode: '42P01',
      statusMessage: 'relation "ordrs" does not exist',
      queryText: 'SELECT 1 FROM ordrs',
      peerAddress: 'localhost:5432',
    });
    expect(e.exceptionMessage).toBeUndefined();
  });
});
