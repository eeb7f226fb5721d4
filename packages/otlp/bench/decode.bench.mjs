// Decoding throughput of @faultline/otlp on 512-span batches made by the official OpenTelemetry SDK and
// serializer. Runs against dist/: build first with `pnpm --filter @faultline/otlp... build`, then
// `node packages/otlp/bench/decode.bench.mjs`. Prints the median of 5 runs.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as transformer from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { decodeTracesJson, decodeTracesProtobuf } from '../dist/index.js';

const BATCH_SPANS = 512;
const RUNS = 5;
const RUN_MS = 1000;

/** 512 spans shaped like a real service's: server -> client -> db, with semconv attributes. */
function makeBatch() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders',
      'service.version': '1.4.2',
      'deployment.environment.name': 'production',
      'host.name': 'orders-7d9f8b-x2k4q',
      'process.pid': 4242,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  for (let i = 0; exporter.getFinishedSpans().length < BATCH_SPANS; i++) {
    const server = tracer.startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'url.path': `/orders/${i}`,
        'http.response.status_code': i % 10 === 0 ? 500 : 200,
        'server.address': 'orders.internal',
        'server.port': 8080,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
        'network.protocol.version': '1.1',
      },
    });
    const ctx = trace.setSpan(context.active(), server);
    const client = tracer.startSpan(
      'GET',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'GET',
          'url.full': `http://inventory:8081/stock/${i}`,
          'server.port': 8081,
        },
      },
      ctx,
    );
    client.end();
    const db = tracer.startSpan(
      'SELECT orders',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'shop',
          'db.operation.name': 'SELECT',
          'db.query.text': 'SELECT id, total, status FROM orders WHERE id = $1',
          'server.address': 'db.internal',
        },
      },
      ctx,
    );
    if (i % 10 === 0) {
      db.recordException(new Error('canceling statement due to statement timeout'));
      db.setStatus({ code: SpanStatusCode.ERROR, message: 'statement timeout' });
    }
    db.end();
    server.end();
  }
  return exporter.getFinishedSpans().slice(0, BATCH_SPANS);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Spans/s over wall time, and over the CPU time the process used (steadier on a busy machine). */
function spansPerSecond(decode, body) {
  const wall = [];
  const cpu = [];
  for (let run = 0; run < RUNS; run++) {
    let batches = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    let elapsedMs = 0;
    while (elapsedMs < RUN_MS) {
      const decoded = decode(body);
      if (decoded.spans.length !== BATCH_SPANS) throw new Error(`decoded ${decoded.spans.length} spans`);
      batches++;
      elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    }
    const cpuUsed = process.cpuUsage(cpuStart);
    wall.push((batches * BATCH_SPANS) / (elapsedMs / 1000));
    cpu.push((batches * BATCH_SPANS) / ((cpuUsed.user + cpuUsed.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const spans = makeBatch();
const protobuf = transformer.ProtobufTraceSerializer.serializeRequest(spans);
const json = new TextDecoder().decode(transformer.JsonTraceSerializer.serializeRequest(spans));
const format = ({ wall, cpu }) => {
  const perSecond = (rate) => Math.round(rate).toLocaleString('en-US');
  return `${perSecond(wall)} spans/s (${perSecond(cpu)} per CPU-second)`;
};

console.log(
  `batch: ${BATCH_SPANS} spans, protobuf ${protobuf.length} bytes, JSON ${json.length} bytes; median of ${RUNS} runs`,
);
console.log(`decodeTracesProtobuf  ${format(spansPerSecond(decodeTracesProtobuf, protobuf))}`);
console.log(`decodeTracesJson      ${format(spansPerSecond(decodeTracesJson, json))}`);
// @opentelemetry/otlp-transformer only serializes requests (and decodes responses); it has no request
// decoder to compare against.
const reference = Object.keys(transformer).find((name) => /deserializ.*request|decode.*trace/i.test(name));
console.log(
  reference
    ? `reference decoder found: ${reference} (not compared)`
    : 'otlp-transformer: no request decoder exported, comparison skipped',
);
