// OTLP protobuf batches that look like real exports: made once by the official SDK and serializer,
// then stamped with fresh trace and span ids for every request (byte-for-byte replacement of the
// template's ids), so each request carries new traces without re-serializing.
import { randomFillSync } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Real SDK spans: `traces` requests of gateway server -> client -> orders server -> db (+ failures). */
export function makeSpans(spanCount, spansPerTrace = 8) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders',
      'service.version': '1.4.2',
      'deployment.environment.name': 'production',
      'host.name': 'orders-7d9f8b-x2k4q',
      'process.pid': 4242,
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.2.0',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  for (let i = 0; memory.getFinishedSpans().length < spanCount; i++) {
    const failing = i % 10 === 0;
    const server = tracer.startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/orders/:id',
        'url.path': `/api/orders/${i}`,
        'http.response.status_code': failing ? 500 : 200,
        'server.address': 'gateway.internal',
        'server.port': 8080,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
      },
    });
    const ctx = trace.setSpan(ROOT_CONTEXT, server);
    for (let j = 0; j < spansPerTrace - 1; j++) {
      const db = j % 2 === 1;
      const child = tracer.startSpan(
        db ? 'pg.query:SELECT shop' : 'GET',
        {
          kind: SpanKind.CLIENT,
          attributes: db
            ? {
                'db.system.name': 'postgresql',
                'db.query.text': 'SELECT * FROM orders WHERE id = $1',
                'db.namespace': 'shop',
              }
            : {
                'http.request.method': 'GET',
                'url.full': `http://inventory:8081/stock/${i}`,
                'server.port': 8081,
                'http.response.status_code': 200,
              },
        },
        ctx,
      );
      if (failing && j === spansPerTrace - 2) {
        child.recordException(new Error('timeout exceeded when trying to connect'));
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout exceeded when trying to connect' });
      }
      child.end();
    }
    if (failing) server.setStatus({ code: SpanStatusCode.ERROR });
    server.end();
  }
  return memory.getFinishedSpans().slice(0, spanCount);
}

function indexOfAll(haystack, needle) {
  const found = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/**
 * A batch template: the serialized bytes plus where each trace id and span id sits, so `stamp()`
 * returns a copy with fresh random ids (same structure, new traces).
 */
export function makeTemplate(spanCount = 512) {
  const spans = makeSpans(spanCount);
  const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  const idOffsets = [];
  const seen = new Set();
  for (const span of spans) {
    for (const hex of [span.spanContext().traceId, span.spanContext().spanId]) {
      if (seen.has(hex)) continue;
      seen.add(hex);
      idOffsets.push({ length: hex.length / 2, offsets: indexOfAll(bytes, Buffer.from(hex, 'hex')) });
    }
  }
  return {
    spans,
    spanCount: spans.length,
    bytes,
    stamp() {
      const copy = Buffer.from(bytes);
      for (const { length, offsets } of idOffsets) {
        const fresh = randomFillSync(Buffer.alloc(length));
        for (const at of offsets) fresh.copy(copy, at);
      }
      return copy;
    },
  };
}
