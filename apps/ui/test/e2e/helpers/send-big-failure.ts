import { randomBytes } from 'node:crypto';
import { XSS } from './send-failure.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
type OtlpValue = { stringValue: string } | { intValue: string };
const attr = (key: string, value: string | number): { key: string; value: OtlpValue } => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
});

const POOL_STACK = [
  'Error: timeout exceeded when trying to connect',
  '    at Timeout._onTimeout (/srv/orders/node_modules/pg-pool/index.js:205:27)',
  '    at listOnTimeout (node:internal/timers:581:17)',
  '    at async loadOrder (/srv/orders/src/orders-repo.js:14:18)',
].join('\n');

/** What the big failing trace holds, for the test to look for. */
export interface BigFailure {
  traceId: string;
  originSpanId: string;
  /** A span whose name and attribute carry the markup payload. */
  payloadSpanId: string;
  spanCount: number;
}

/**
 * Sends, as OTLP/JSON (the spec's JSON encoding: hex ids, AnyValue objects), a failing request that
 * fans out into `calls` cache lookups before the orders call whose pg pool times out: a trace past
 * the UI's whole-trace threshold. One lookup carries a markup payload in its name and an attribute,
 * and the orders service logs the failure (one log line is the payload too).
 */
export async function sendBigFailure(otlpHttpPort: number, calls: number): Promise<BigFailure> {
  const traceId = hex(16);
  const t0 = BigInt(Date.now() - 10_000) * 1_000_000n;
  const ns = (ms: number) => String(t0 + BigInt(Math.round(ms * 1e6)));
  const span = (spec: {
    spanId: string;
    parent?: string;
    name: string;
    kind: number;
    startMs: number;
    endMs: number;
    attributes?: { key: string; value: OtlpValue }[];
    status?: { code: number; message?: string };
    events?: object[];
  }) => ({
    traceId,
    spanId: spec.spanId,
    ...(spec.parent ? { parentSpanId: spec.parent } : {}),
    name: spec.name,
    kind: spec.kind,
    startTimeUnixNano: ns(spec.startMs),
    endTimeUnixNano: ns(spec.endMs),
    attributes: spec.attributes ?? [],
    status: spec.status ?? { code: 0 },
    events: spec.events ?? [],
  });
  const [entryId, callId, serverId, originId, payloadSpanId] = [hex(8), hex(8), hex(8), hex(8), hex(8)];
  const lookups = Array.from({ length: calls }, (_, i) =>
    span({
      spanId: i === 1 ? payloadSpanId : hex(8),
      parent: entryId,
      name: i === 1 ? XSS : `cache.get order:${i}`,
      kind: 3,
      startMs: 1 + i * 0.01,
      endMs: 1.005 + i * 0.01,
      attributes: [attr('cache.key', i === 1 ? XSS : `order:${i}`), attr('db.system', 'redis')],
    }),
  );
  const afterLookups = 2 + calls * 0.01;
  const gateway = [
    span({
      spanId: entryId,
      name: 'GET /api/report',
      kind: 2,
      startMs: 0,
      endMs: afterLookups + 1100,
      attributes: [
        attr('http.request.method', 'GET'),
        attr('http.route', '/api/report'),
        attr('http.response.status_code', 500),
      ],
      status: { code: 2 },
    }),
    ...lookups,
    span({
      spanId: callId,
      parent: entryId,
      name: 'GET',
      kind: 3,
      startMs: afterLookups,
      endMs: afterLookups + 1050,
      attributes: [
        attr('http.request.method', 'GET'),
        attr('server.address', 'orders.internal'),
        attr('http.response.status_code', 500),
      ],
      status: { code: 2 },
    }),
  ];
  const orders = [
    span({
      spanId: serverId,
      parent: callId,
      name: 'GET /orders/:id',
      kind: 2,
      startMs: afterLookups + 2,
      endMs: afterLookups + 1040,
      attributes: [
        attr('http.request.method', 'GET'),
        attr('http.route', '/orders/:id'),
        attr('http.response.status_code', 500),
      ],
      status: { code: 2 },
    }),
    span({
      spanId: originId,
      parent: serverId,
      name: 'pg-pool.connect',
      kind: 3,
      startMs: afterLookups + 4,
      endMs: afterLookups + 1010,
      attributes: [attr('db.system', 'postgresql'), attr('db.postgresql.max.client', 2)],
      status: { code: 2, message: 'timeout exceeded when trying to connect' },
      events: [
        {
          name: 'exception',
          timeUnixNano: ns(afterLookups + 1010),
          attributes: [
            attr('exception.type', 'Error'),
            attr('exception.message', 'timeout exceeded when trying to connect'),
            attr('exception.stacktrace', POOL_STACK),
          ],
        },
      ],
    }),
  ];
  const resource = (service: string) => ({
    attributes: [attr('service.name', service), attr('service.version', '1.4.2')],
  });
  const post = async (path: string, body: object) => {
    const response = await fetch(`http://127.0.0.1:${otlpHttpPort}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  };
  await post('/v1/traces', {
    resourceSpans: [
      { resource: resource('gateway'), scopeSpans: [{ scope: { name: 'e2e' }, spans: gateway }] },
      { resource: resource('orders'), scopeSpans: [{ scope: { name: 'e2e' }, spans: orders }] },
    ],
  });
  const log = (body: string, atMs: number) => ({
    timeUnixNano: ns(atMs),
    observedTimeUnixNano: ns(atMs),
    severityNumber: 17,
    severityText: 'error',
    body: { stringValue: body },
    traceId,
    spanId: originId,
    attributes: [],
  });
  await post('/v1/logs', {
    resourceLogs: [
      {
        resource: resource('orders'),
        scopeLogs: [
          {
            scope: { name: 'pino' },
            logRecords: [
              log('failed to load order 42: pool exhausted', afterLookups + 1011),
              log(XSS, afterLookups + 1012),
            ],
          },
        ],
      },
    ],
  });
  return { traceId, originSpanId: originId, payloadSpanId, spanCount: calls + 4 };
}
