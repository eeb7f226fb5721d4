// A 10,001-span failing trace as OTLP/JSON export requests (spec: opentelemetry-proto, OTLP/JSON
// encoding: hex ids, integer enums, AnyValue objects), for scripts/tti-10k.mjs.
import { randomBytes } from 'node:crypto';

const hex = (bytes) => randomBytes(bytes).toString('hex');
const attr = (key, value) => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: String(value) },
});

/** 1 gateway entry -> 100 orders handlers -> 99 queries each; the very last span is a failed pool checkout. */
export function tenThousandSpanTrace() {
  const traceId = hex(16);
  const t0 = BigInt(Date.now() - 5000) * 1_000_000n;
  const ns = (ms) => String(t0 + BigInt(Math.round(ms * 1e6)));
  const rootId = hex(8);
  const gateway = [
    {
      traceId,
      spanId: rootId,
      name: 'GET /api/report',
      kind: 2,
      startTimeUnixNano: ns(0),
      endTimeUnixNano: ns(2000),
      attributes: [
        attr('http.request.method', 'GET'),
        attr('http.route', '/api/report'),
        attr('http.response.status_code', 500),
      ],
      status: { code: 2 },
    },
  ];
  const orders = [];
  let originId = '';
  for (let h = 0; h < 100; h++) {
    const handlerId = hex(8);
    const failing = h === 99;
    orders.push({
      traceId,
      spanId: handlerId,
      parentSpanId: rootId,
      name: `GET /orders/${h}`,
      kind: 2,
      startTimeUnixNano: ns(h * 19),
      endTimeUnixNano: ns(h * 19 + 18),
      attributes: [
        attr('http.request.method', 'GET'),
        attr('http.route', '/orders/:id'),
        attr('http.response.status_code', failing ? 500 : 200),
      ],
      status: { code: failing ? 2 : 0 },
    });
    for (let q = 0; q < 99; q++) {
      const last = failing && q === 98;
      const spanId = hex(8);
      if (last) originId = spanId;
      orders.push({
        traceId,
        spanId,
        parentSpanId: handlerId,
        name: last ? 'pg-pool.connect' : 'pg.query:SELECT orders',
        kind: 3,
        startTimeUnixNano: ns(h * 19 + q * 0.18),
        endTimeUnixNano: ns(h * 19 + q * 0.18 + 0.15),
        attributes: [
          attr('db.system', 'postgresql'),
          attr('db.statement', 'SELECT * FROM orders WHERE id = $1'),
        ],
        status: last ? { code: 2, message: 'timeout exceeded when trying to connect' } : { code: 0 },
        events: last
          ? [
              {
                name: 'exception',
                timeUnixNano: ns(h * 19 + 18),
                attributes: [
                  attr('exception.type', 'Error'),
                  attr('exception.message', 'timeout exceeded when trying to connect'),
                ],
              },
            ]
          : [],
      });
    }
  }
  const resource = (service) => ({
    attributes: [attr('service.name', service), attr('service.version', '1.4.2')],
  });
  const batches = [
    {
      resourceSpans: [
        { resource: resource('gateway'), scopeSpans: [{ scope: { name: 'tti' }, spans: gateway }] },
      ],
    },
  ];
  for (let i = 0; i < orders.length; i += 2000) {
    batches.push({
      resourceSpans: [
        {
          resource: resource('orders'),
          scopeSpans: [{ scope: { name: 'tti' }, spans: orders.slice(i, i + 2000) }],
        },
      ],
    });
  }
  return { traceId, originId, batches, spanCount: gateway.length + orders.length };
}
