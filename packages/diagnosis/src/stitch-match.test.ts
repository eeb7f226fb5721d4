import type { Attributes, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from './diagnose-trace.js';
import { matchStitch, stitchableCall, stitchFit } from './stitch-match.js';
import { stitchedDiagnosis } from './stitch-verdict.js';

const MS = 1_000_000n;
const T0 = 1_700_000_000_000n * MS;
let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function span(fields: Partial<Span> & { startMs: number; endMs: number; attributes?: Attributes }): Span {
  const { startMs, endMs, ...rest } = fields;
  return {
    traceId: hex(1, 32),
    spanId: hex(nextId++, 16),
    parentSpanId: null,
    service: 'svc',
    name: 'span',
    kind: 'INTERNAL',
    startTimeUnixNano: T0 + BigInt(Math.round(startMs * 1000)) * 1000n,
    endTimeUnixNano: T0 + BigInt(Math.round(endMs * 1000)) * 1000n,
    status: { code: 'UNSET' },
    resource: {},
    events: [],
    links: [],
    ...rest,
    attributes: rest.attributes ?? {},
  };
}

/** The gateway's fetch through the proxy at 127.0.0.1:7000: it got a 500 and no span came back. */
function call(startMs = 10, endMs = 110, extra: Attributes = {}, traceId = hex(0xa, 32)): Span {
  return span({
    traceId,
    service: 'gateway',
    name: 'GET',
    kind: 'CLIENT',
    startMs,
    endMs,
    status: { code: 'ERROR' },
    attributes: {
      'http.request.method': 'GET',
      'url.full': 'http://127.0.0.1:7000/orders/42?x=1',
      'server.address': '127.0.0.1',
      'server.port': 7000,
      'http.response.status_code': 500,
      ...extra,
    },
  });
}

/** orders' own root server span, in a trace of its own (the proxy dropped traceparent). */
function root(startMs = 20, endMs = 90, extra: Attributes = {}, traceId = hex(0xb, 32)): Span {
  return span({
    traceId,
    service: 'orders',
    name: 'GET /orders/:id',
    kind: 'SERVER',
    startMs,
    endMs,
    status: { code: 'ERROR' },
    attributes: {
      'http.request.method': 'GET',
      'url.path': '/orders/42',
      'url.scheme': 'http',
      'server.address': 'localhost',
      'server.port': 7000,
      'http.response.status_code': 500,
      ...extra,
    },
  });
}

describe('stitchFit: every condition must hold', () => {
  it('matches method, path, peer, failure and nesting', () => {
    expect(stitchFit(call(), root())).toBe('nested');
  });
  it('refuses another method', () => {
    expect(stitchFit(call(), root(20, 90, { 'http.request.method': 'POST' }))).toBeNull();
  });
  it('refuses another path, and a path only equal with its query', () => {
    expect(stitchFit(call(), root(20, 90, { 'url.path': '/orders/43' }))).toBeNull();
    expect(stitchFit(call(), root(20, 90, { 'url.path': '/orders/42?x=1' }))).toBe('nested');
  });
  it('refuses another peer host or port, and a root that names no peer at all', () => {
    expect(stitchFit(call(), root(20, 90, { 'server.address': '10.0.0.9' }))).toBeNull();
    expect(stitchFit(call(), root(20, 90, { 'server.port': 7001 }))).toBeNull();
    const bare = root();
    delete bare.attributes['server.address'];
    delete bare.attributes['server.port'];
    expect(stitchFit(call(), bare)).toBeNull();
  });
  it('falls back to client.address when the root has no server.address', () => {
    const byClient = root(20, 90, { 'client.address': '127.0.0.1' });
    delete byClient.attributes['server.address'];
    expect(stitchFit(call(), byClient)).toBe('nested');
    byClient.attributes['client.address'] = '10.1.1.1';
    expect(stitchFit(call(), byClient)).toBeNull();
  });
  it('refuses a root that did not fail, a child span and a span of the same trace', () => {
    const ok = { ...root(20, 90, { 'http.response.status_code': 200 }), status: { code: 'UNSET' as const } };
    expect(stitchFit(call(), ok)).toBeNull();
    expect(stitchFit(call(), { ...root(), parentSpanId: hex(99, 16) })).toBeNull();
    expect(stitchFit(call(), root(20, 90, {}, hex(0xa, 32)))).toBeNull();
  });
  it('allows for clock skew up to the limit, and no further', () => {
    // root 5 ms before the call started, but no longer than it: skewed clocks.
    expect(stitchFit(call(10, 110), root(5, 90))).toBe('skewed');
    expect(stitchFit(call(10, 110), root(30, 115))).toBe('skewed');
    expect(stitchFit(call(10, 110), root(5, 90), 4n * MS)).toBeNull();
    // Far outside the call: not this call, whatever the clocks.
    expect(stitchFit(call(10, 110), root(2_000, 2_050))).toBeNull();
  });
  it('refuses a root that took longer than the answered call', () => {
    expect(stitchFit(call(10, 110), root(5, 120))).toBeNull();
  });
  it('for a call that got no answer, matches on the start alone', () => {
    const timedOut = call(10, 110);
    delete timedOut.attributes['http.response.status_code'];
    expect(stitchFit(timedOut, root(20, 900))).toBe('nested');
    expect(stitchFit(timedOut, root(200, 900), 10n * MS)).toBeNull();
  });
});

describe('matchStitch: only an unambiguous match', () => {
  it('stitches the single candidate', () => {
    const r = root();
    expect(matchStitch(call(), [r, root(20, 90, { 'url.path': '/other' })], [])?.root).toBe(r);
  });
  it('stitches nothing when two concurrent look-alike roots fit the call equally', () => {
    // call   |..........................|
    // root A    |..........|
    // root B        |..........|
    const a = root(20, 60, {}, hex(0xb1, 32));
    const b = root(30, 80, {}, hex(0xb2, 32));
    expect(matchStitch(call(10, 110), [a, b], [])).toBeNull();
  });
  it('stitches concurrent look-alikes when timing singles each one out', () => {
    // call 1 |..............|
    // call 2          |..............|
    // root A   |....|                      <- only inside call 1
    // root B                  |....|       <- only inside call 2
    const call1 = call(10, 110, {}, hex(0xa1, 32));
    const call2 = call(60, 160, {}, hex(0xa2, 32));
    const a = root(15, 50, {}, hex(0xb1, 32));
    const b = root(115, 150, {}, hex(0xb2, 32));
    expect(matchStitch(call1, [a, b], [call2])?.root).toBe(a);
    expect(matchStitch(call2, [a, b], [call1])?.root).toBe(b);
  });
  it('stitches nothing when another failed call fits the one root as well (its own callee is missing)', () => {
    // call 1 |..............|
    // call 2    |..............|
    // root A       |....|                  <- inside both calls
    const call1 = call(10, 110, {}, hex(0xa1, 32));
    const call2 = call(20, 120, {}, hex(0xa2, 32));
    const a = root(30, 60, {}, hex(0xb1, 32));
    expect(matchStitch(call1, [a], [call2])).toBeNull();
    expect(matchStitch(call1, [a], [])?.root).toBe(a);
  });
  it('prefers the one nested root over roots that only fit with skew', () => {
    const nested = root(20, 60, {}, hex(0xb1, 32));
    const skewed = root(5, 50, {}, hex(0xb2, 32));
    expect(matchStitch(call(10, 110), [nested, skewed], [])).toMatchObject({ root: nested, fit: 'nested' });
  });
});

describe('stitchedDiagnosis', () => {
  it("follows the caller's verdict into the callee's trace", () => {
    const entry = span({
      traceId: hex(0xa, 32),
      service: 'gateway',
      name: 'GET /api/orders/:id',
      kind: 'SERVER',
      startMs: 0,
      endMs: 120,
      status: { code: 'ERROR' },
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 502 },
    });
    const c = { ...call(), parentSpanId: entry.spanId };
    const caller = diagnoseTrace([entry, c])!;
    expect(caller.cause).toBe('uninstrumented_upstream');
    expect(stitchableCall(caller, [entry, c])).toBe(c);
    const r = root();
    const handler = span({
      traceId: r.traceId,
      parentSpanId: r.spanId,
      service: 'orders',
      name: 'load order',
      startMs: 25,
      endMs: 80,
      status: { code: 'ERROR', message: 'boom' },
      events: [
        {
          name: 'exception',
          timeUnixNano: T0 + 80n * MS,
          attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom' },
        },
      ],
    });
    const callee = diagnoseTrace([r, handler])!;
    const match = matchStitch(c, [r], [])!;
    const d = stitchedDiagnosis(caller, c, callee, match);
    expect(d).toMatchObject({
      originService: 'orders',
      originSpanId: handler.spanId,
      cause: 'exception',
      continuedIn: { fromSpanId: c.spanId, traceId: r.traceId, spanId: r.spanId },
    });
    expect(d.evidence.entryStatusCode).toBe(502);
    expect(d.summary).toMatch(/^502 originated in orders/);
    expect(d.summary).toContain(`reached it in trace ${r.traceId}`);
    expect(d.path).toEqual([entry.spanId, c.spanId, r.spanId, handler.spanId]);
  });
});
