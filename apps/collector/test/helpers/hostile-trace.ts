import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * A value that breaks whatever it lands in unescaped: markdown (heading, link, image, autolink, HTML,
 * emphasis, list, table pipe, code fence, CR), a terminal (OSC 52 clipboard write, clear screen, 8-bit
 * CSI, BEL, a right-to-left override), a shell (command substitution, quote breaking) and Slack (`<!channel>`, a fake link, `&`).
 */
export const HOSTILE =
  'x\r\n# heading [l](http://evil.example) ![i](http://evil.example/i.png) <http://evil.example> <b>b</b>' +
  ' *em* _u_ `tick`` ``` | pipe \\| \u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\u0085 $(touch /tmp/p) \'"' +
  ' <!channel> <http://evil.example|click> &amp; & \u202egnp.exe\n1. item\n    indented\n---\n> quote\r';

/**
 * Sends one failing request (gateway -> orders, orders throws) through the official OTLP/HTTP exporters,
 * with HOSTILE in every field a report or alert shows: service names and versions, span names, method,
 * URL, headers, exception type, message and stack, status message, and an error log's severity and body.
 */
export async function sendHostileFailingRequest(
  otlpHttpPort: number,
  tag = '',
): Promise<{ traceId: string }> {
  const hostile = `${tag}${HOSTILE}`;
  const provider = (service: string) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': hostile }),
      spanProcessors: [
        new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/traces` })),
      ],
    });
  const gatewayProvider = provider(`gateway ${hostile}`);
  const ordersProvider = provider(`orders ${hostile}`);
  const entry = gatewayProvider.getTracer('http').startSpan(`GET ${hostile}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': hostile,
      'url.full': `http://gateway/${hostile}`,
      'http.request.header.x-evil': [hostile],
      [`http.request.header.${hostile}`]: ['1'],
      'http.response.status_code': 500,
    },
  });
  const handler = ordersProvider
    .getTracer('http')
    .startSpan(
      `handler ${hostile}`,
      { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 500 } },
      trace.setSpan(ROOT_CONTEXT, entry),
    );
  const error = new Error(hostile);
  error.name = `Type${hostile}`;
  error.stack = `${error.name}: ${hostile}\n    at evil${hostile} (/srv/${hostile}.js:42:17)\n    at /srv/b.js:1:1`;
  handler.recordException(error);
  handler.setStatus({ code: SpanStatusCode.ERROR, message: hostile });

  const logs = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': `orders ${hostile}` }),
    processors: [
      new SimpleLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/logs` }),
      }),
    ],
  });
  logs.getLogger('app').emit({
    body: hostile,
    severityNumber: SeverityNumber.ERROR,
    severityText: hostile,
    context: trace.setSpan(ROOT_CONTEXT, handler),
  });
  await logs.shutdown();
  handler.end();
  entry.setStatus({ code: SpanStatusCode.ERROR });
  entry.end();
  await ordersProvider.shutdown();
  await gatewayProvider.shutdown();
  return { traceId: entry.spanContext().traceId };
}
