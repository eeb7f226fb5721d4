import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';
import { STORE_BACKENDS } from './helpers/store-backends.js';

/*
 * Grouping by the code that broke: the same exception thrown at the same top in-app frame, reached
 * through different endpoints of one service, is one failure group that lists those endpoints; a
 * different frame is a group of its own. Spans go through the official OTLP exporter.
 */

interface Request {
  route: string;
  /** The function at the top of the in-app stack, and its file. */
  frame: string;
  line: number;
}

/** A failing request to the `shop` service: its handler throws the same TypeError from `frame`. */
async function sendFailing(otlpHttpPort: number, service: string, request: Request) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.0.0' }),
    spanProcessors: [
      new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/traces` })),
    ],
  });
  const tracer = provider.getTracer('http');
  const server = tracer.startSpan(`GET ${request.route}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': request.route,
      'http.response.status_code': 500,
    },
  });
  const handler = tracer.startSpan(
    `request handler - ${request.route}`,
    { kind: SpanKind.INTERNAL, attributes: { 'http.route': request.route } },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  const error = new TypeError("Cannot read properties of undefined (reading 'price')");
  error.stack = [
    `TypeError: ${error.message}`,
    `    at ${request.frame}:${request.line}:17)`,
    '    at /srv/shop/node_modules/express/lib/router/layer.js:95:5',
  ].join('\n');
  handler.recordException(error);
  handler.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  handler.end();
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  await provider.shutdown();
  return server.spanContext().traceId;
}

interface Group {
  fingerprint: string;
  count: number;
  originEndpoints: string[];
  entryEndpoints: string[];
  originService: string;
}

describe.each(STORE_BACKENDS)('failure groups by the code that broke on the $name store', (backend) => {
  let running: RunningCollector;
  beforeAll(async () => {
    running = await startCollector({}, { diagnosisQuietMs: 100 }, backend);
  });
  afterAll(async () => {
    await running.stop();
  });

  async function groupsOf(traceIds: string[]): Promise<Map<string, Group>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const byTrace = new Map<string, Group>();
      const { groups } = (
        await running.collector.api.inject({ method: 'GET', url: '/api/failures' })
      ).json() as { groups: Group[] };
      const total = groups.reduce((sum, g) => sum + g.count, 0);
      if (total >= traceIds.length) {
        for (const g of groups) {
          const { traces } = (
            await running.collector.api.inject({ method: 'GET', url: `/api/traces?group=${g.fingerprint}` })
          ).json() as { traces: { traceId: string }[] };
          for (const t of traces) byTrace.set(t.traceId, g);
        }
        if (traceIds.every((id) => byTrace.has(id))) return byTrace;
      }
      if (Date.now() > deadline) throw new Error('the failures were not grouped within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('groups one exception at one frame across endpoints, lists them, and keeps other frames apart', async () => {
    const port = running.otlpHttpPort;
    const pricing = 'lineTotal (/srv/shop/src/pricing.js';
    const orders = await sendFailing(port, 'shop', { route: '/orders/:id', frame: pricing, line: 12 });
    const carts = await sendFailing(port, 'shop', { route: '/carts/:id', frame: pricing, line: 12 });
    const again = await sendFailing(port, 'shop', { route: '/orders/:id', frame: pricing, line: 14 });
    const other = await sendFailing(port, 'shop', {
      route: '/carts/:id',
      frame: 'shippingCost (/srv/shop/src/shipping.js',
      line: 8,
    });
    const byTrace = await groupsOf([orders, carts, again, other]);

    const shared = byTrace.get(orders)!;
    expect(byTrace.get(carts)!.fingerprint).toBe(shared.fingerprint);
    expect(byTrace.get(again)!.fingerprint).toBe(shared.fingerprint);
    expect(shared.count).toBe(3);
    expect(shared.originService).toBe('shop');
    expect([...shared.originEndpoints].sort()).toEqual(['GET /carts/:id', 'GET /orders/:id']);
    expect([...shared.entryEndpoints].sort()).toEqual(['GET /carts/:id', 'GET /orders/:id']);

    const separate = byTrace.get(other)!;
    expect(separate.fingerprint).not.toBe(shared.fingerprint);
    expect(separate.count).toBe(1);
    expect(separate.originEndpoints).toEqual(['GET /carts/:id']);
  });
});
