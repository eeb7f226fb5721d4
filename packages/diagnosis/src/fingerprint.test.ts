import { describe, expect, it } from 'vitest';
import { errorWithStack } from '../test/fixtures/faults.js';
import { expressHandlerSpan, httpServerSpan, undiciFetchSpan } from '../test/fixtures/instrumentations.js';
import { checkoutTrace } from '../test/fixtures/scenarios.js';
import { TraceBuilder } from '../test/fixtures/trace-builder.js';
import { diagnoseTrace } from './diagnose-trace.js';
import { failureFingerprint, normaliseMessage } from './fingerprint.js';

describe('normaliseMessage', () => {
  it.each([
    ['order 8812 not found', 'order <n> not found'],
    ['order 7e1c0a52-3b8e-4a55-9d1c-2f0e6c1b9a10 not found', 'order <uuid> not found'],
    ['trace 4bf92f3577b34da6a3ce929d0e0e4736 dropped', 'trace <hex> dropped'],
    ['connect ECONNREFUSED 127.0.0.1:4001', 'connect ECONNREFUSED <n>:<n>'],
    ['relation "ordrs" does not exist (code: 42P01)', 'relation "ordrs" does not exist (code: 42P01)'],
    ['SQLITE_BUSY: database is locked', 'SQLITE_BUSY: database is locked'],
    ['  spaced\n   out  ', 'spaced out'],
    ['accessed deadbeef feedface', 'accessed deadbeef feedface'],
  ])('%j -> %j', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });
});

function explodingRequest(
  orderId: number,
  line: number,
  at: { route?: string; frame?: string; service?: string } = {},
) {
  const route = at.route ?? '/orders/:id';
  const service = at.service ?? 'orders';
  const t = new TraceBuilder(orderId.toString(16).padStart(32, '0'));
  const server = httpServerSpan(t, {
    service,
    method: 'GET',
    route,
    path: route.replace(':id', String(orderId)),
    port: 4001,
    status: 500,
    startMs: 0,
    endMs: 10,
  });
  const error = errorWithStack(
    'Error',
    `order ${orderId} has no lines`,
    undefined,
    at.frame ?? `getOrder (/srv/orders/src/routes/orders.js:${line}:9)`,
  );
  expressHandlerSpan(t, {
    service,
    parent: server,
    route,
    error,
    startMs: 1,
    endMs: 9,
  });
  return t.spans;
}

describe('failureFingerprint', () => {
  it('groups two occurrences that differ only in ids and line numbers', () => {
    const a = explodingRequest(17, 31);
    const b = explodingRequest(8812, 35);
    const fa = failureFingerprint(diagnoseTrace(a)!, a);
    expect(fa).toBe(failureFingerprint(diagnoseTrace(b)!, b));
    expect(fa).toBe(
      'orders | * | exception | Error | order <n> has no lines | /srv/orders/src/routes/orders.js:getOrder',
    );
  });

  it('groups the same exception at the same named frame reached through different endpoints', () => {
    const frame = (line: number) => `lineTotal (/srv/orders/src/pricing.js:${line}:9)`;
    const a = explodingRequest(17, 0, { route: '/orders/:id', frame: frame(12) });
    const b = explodingRequest(18, 0, { route: '/carts/:id', frame: frame(14) });
    expect(failureFingerprint(diagnoseTrace(a)!, a)).toBe(failureFingerprint(diagnoseTrace(b)!, b));
  });

  it('keeps them apart when the frames differ, the service differs, or the frame is anonymous', () => {
    const fingerprint = (spans: ReturnType<typeof explodingRequest>) =>
      failureFingerprint(diagnoseTrace(spans)!, spans);
    const base = fingerprint(
      explodingRequest(17, 0, { frame: 'lineTotal (/srv/orders/src/pricing.js:12:9)' }),
    );
    const otherFunction = explodingRequest(18, 0, {
      route: '/carts/:id',
      frame: 'cartTotal (/srv/orders/src/pricing.js:40:9)',
    });
    const otherFile = explodingRequest(19, 0, {
      route: '/carts/:id',
      frame: 'lineTotal (/srv/orders/src/legacy-pricing.js:12:9)',
    });
    const otherService = explodingRequest(20, 0, {
      service: 'carts',
      frame: 'lineTotal (/srv/orders/src/pricing.js:12:9)',
    });
    for (const spans of [otherFunction, otherFile, otherService]) expect(fingerprint(spans)).not.toBe(base);

    // Anonymous route handlers in one file are told apart by their route, not merged by their file.
    const anonymousA = explodingRequest(21, 0, {
      route: '/orders/:id',
      frame: '/srv/orders/src/routes.js:22:19',
    });
    const anonymousB = explodingRequest(22, 0, {
      route: '/carts/:id',
      frame: '/srv/orders/src/routes.js:48:19',
    });
    expect(fingerprint(anonymousA)).not.toBe(fingerprint(anonymousB));
    expect(fingerprint(anonymousA)).toBe(
      fingerprint(
        explodingRequest(23, 0, { route: '/orders/:id', frame: '/srv/orders/src/routes.js:23:19' }),
      ),
    );
  });

  it('keeps refusals from two upstreams apart though one helper function reported both', () => {
    const refusedAt = (url: string, port: number) => {
      const t = new TraceBuilder(port.toString(16).padStart(32, '0'));
      const server = httpServerSpan(t, {
        service: 'gateway',
        method: 'GET',
        route: '/api/summary',
        path: '/api/summary',
        port: 8080,
        status: 502,
        startMs: 0,
        endMs: 10,
      });
      const error = errorWithStack(
        'Error',
        `connect ECONNREFUSED 127.0.0.1:${port}`,
        'ECONNREFUSED',
        'callService (/srv/gateway/src/http.js:5:10)',
      );
      undiciFetchSpan(t, {
        service: 'gateway',
        parent: server,
        method: 'GET',
        url,
        error,
        startMs: 1,
        endMs: 3,
      });
      return t.spans;
    };
    const orders = refusedAt('http://127.0.0.1:4001/orders', 4001);
    const billing = refusedAt('http://127.0.0.1:4002/invoices', 4002);
    const [a, b] = [orders, billing].map((spans) => diagnoseTrace(spans)!);
    expect([a!.cause, a!.evidence.topFrame?.functionName]).toEqual(['upstream_unreachable', 'callService']);
    expect(failureFingerprint(a!, orders)).not.toBe(failureFingerprint(b!, billing));
  });

  it('separates failures of different causes at the same place', () => {
    const timeout = checkoutTrace('pg_statement_timeout');
    const missing = checkoutTrace('pg_missing_relation');
    expect(failureFingerprint(diagnoseTrace(timeout.spans)!, timeout.spans)).not.toBe(
      failureFingerprint(diagnoseTrace(missing.spans)!, missing.spans),
    );
  });

  it('names the peer of a bare client span so calls to different upstreams do not group', () => {
    const { spans } = checkoutTrace('upstream_uninstrumented');
    expect(failureFingerprint(diagnoseTrace(spans)!, spans)).toMatch(
      /^gateway \| GET 10\.0\.0\.7:8080 \| uninstrumented_upstream/,
    );
  });
});
