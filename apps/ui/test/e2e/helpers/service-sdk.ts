import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** One service's SDK: a tracer and a logger exporting OTLP/HTTP protobuf to the collector. */
export function serviceSdk(service: string, otlpHttpPort: number, version = '1.4.2') {
  const resource = resourceFromAttributes({
    'service.name': service,
    'service.version': version,
    'deployment.environment.name': 'e2e',
  });
  const base = `http://127.0.0.1:${otlpHttpPort}`;
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })],
  });
  return {
    tracer: tracerProvider.getTracer('@opentelemetry/instrumentation-http', '0.203.0'),
    logger: loggerProvider.getLogger('pino'),
    flush: async () => {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}
