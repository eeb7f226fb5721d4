import { metrics, trace } from '@opentelemetry/api';
import { getBooleanFromEnv } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { captureConsole } from './console-capture.js';
import { installCrashHandlers } from './crash-flush.js';
import { installExpressTracing } from './express-tracing.js';
import { installFastifyTracing } from './fastify-tracing.js';
import { describeError, warnOnce, writeWarning } from './faultline-log.js';
import { installHttpServerTracing } from './http-server-tracing.js';
import { createInstrumentations, isInstrumentationWanted } from './instrumentations.js';
import { OpenServerSpans } from './open-server-spans.js';
import type { FaultlineOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import { createLogProcessor, createTracePipeline } from './pipelines.js';
import { ProcessSampler } from './process-sampler.js';
import { ServerMetrics } from './server-metrics.js';
import { detectServiceIdentity } from './service-identity.js';
import { flushOnSigterm } from './sigterm.js';
import { SpanEnrichmentProcessor } from './span-enrichment.js';
import { PresetIdGenerator } from './span-ids.js';
import { installTraceResponseWriter } from './trace-response.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** What `start()` returns: a way to flush and stop. Every method is safe to call, started or not. */
export interface FaultlineHandle {
  /** False when Faultline stayed off (disabled, bad options, failed start). */
  readonly started: boolean;
  /** Exports everything pending, waiting at most the shutdown timeout. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops all telemetry; resolves within the shutdown timeout. */
  shutdown(): Promise<void>;
  /** Spans given up because the export queue was full (successful ones first). */
  droppedSpanCount(): number;
  /** Successful traces, and their spans, not exported because of success sampling. */
  sampledOut(): { traces: number; spans: number };
}

const NOT_STARTED: FaultlineHandle = {
  started: false,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  droppedSpanCount: () => 0,
  sampledOut: () => ({ traces: 0, spans: 0 }),
};
/** How long a crashing process may block to deliver its last spans. */
const CRASH_FLUSH_TIMEOUT_MS = 1000;

let running: FaultlineHandle | undefined;

/**
 * Starts OpenTelemetry with Faultline's additions. Never throws: bad options or a failed start are
 * reported in one `[faultline]` line on stderr and the app runs uninstrumented. A second call returns
 * the first call's handle.
 */
export function start(options?: FaultlineOptions): FaultlineHandle {
  if (running !== undefined) {
    warnOnce('started-twice', 'already started; the second start() is ignored');
    return running;
  }
  try {
    const resolution = resolveOptions(options, process.env);
    if (!resolution.ok) {
      writeWarning(`not started: ${resolution.problem}. The app runs without instrumentation.`);
      return NOT_STARTED;
    }
    for (const warning of resolution.warnings) writeWarning(warning);
    if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return NOT_STARTED;
    running = startPipelines(resolution.options);
    return running;
  } catch (error) {
    writeWarning(`not started: ${describeError(error)}. The app runs without instrumentation.`);
    return NOT_STARTED;
  }
}

/** The handle of the running instance, if any (for `droppedSpanCount()` and tests). */
export function runningInstance(): FaultlineHandle | undefined {
  return running;
}

function startPipelines(options: ResolvedOptions): FaultlineHandle {
  const env = process.env;
  const identity = detectServiceIdentity(process.argv[1], env);
  const resourceAttributes: Record<string, string> = { 'service.name': options.serviceName ?? identity.name };
  const version = options.serviceVersion ?? identity.version;
  const environment = options.environment ?? identity.environment;
  if (version !== undefined) resourceAttributes['service.version'] = version;
  if (environment !== undefined) resourceAttributes['deployment.environment.name'] = environment;

  // Everything that can throw on bad configuration is built before anything is registered.
  const openServerSpans = new OpenServerSpans();
  const tracePipeline = createTracePipeline(env, options.endpoint, options.successfulTracesPerSecond);
  const logProcessor = createLogProcessor(env, options.endpoint);
  const spanProcessors: SpanProcessor[] | undefined = tracePipeline && [
    new SpanEnrichmentProcessor(),
    tracePipeline.processor,
  ];
  const ids = new PresetIdGenerator();
  const sdk = new NodeSDK({
    idGenerator: ids,
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are detected later and win over these.
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes)),
    instrumentations: createInstrumentations(env, {
      fastify: options.fastifySpans,
      express: options.expressSpans,
    }),
    spanProcessors,
    logRecordProcessors: logProcessor && [logProcessor],
    // The collector takes traces and logs; metrics only when OTEL_METRICS_EXPORTER asks for them.
    metricReaders: env['OTEL_METRICS_EXPORTER'] ? undefined : [],
  });
  sdk.start();

  const cleanups: Array<() => void> = [];
  const processPicture = options.processPicture ? new ProcessSampler() : undefined;
  if (processPicture !== undefined) {
    processPicture.start();
    cleanups.push(() => processPicture.stop());
  }
  if (isInstrumentationWanted(env, 'http')) {
    cleanups.push(
      installHttpServerTracing({
        tracer: trace.getTracer(`${PACKAGE_NAME}/http`, PACKAGE_VERSION),
        openServerSpans,
        traceResponseHeader: options.traceResponseHeader,
        deferral:
          tracePipeline?.processor.samplesSuccesses === true
            ? {
                ids,
                keepsAtCurrentShare: (traceId) => tracePipeline.processor.keepsAtCurrentShare(traceId),
                settleDeferredRoot: (traceId, failing, heldSpans, childStarted) =>
                  tracePipeline.processor.settleDeferredRoot(traceId, failing, heldSpans, childStarted),
                keepChosen: (traceId) => tracePipeline.processor.keepChosen(traceId),
                keepForCause: (traceId) => tracePipeline.processor.keepForCause(traceId),
              }
            : undefined,
        ignoredPaths: options.ignoredPaths.size > 0 ? { paths: options.ignoredPaths, ids } : undefined,
        serverMetrics: metricsConfigured(env)
          ? new ServerMetrics(metrics.getMeter(`${PACKAGE_NAME}/http`, PACKAGE_VERSION))
          : undefined,
        processPicture,
      }),
    );
  }
  if (options.fastifySpans === 'light' && isInstrumentationWanted(env, 'fastify')) {
    cleanups.push(installFastifyTracing());
  }
  if (options.expressSpans === 'light' && isInstrumentationWanted(env, 'express')) {
    cleanups.push(installExpressTracing());
  }
  if (options.captureConsole) cleanups.push(captureConsole());
  if (options.traceResponseHeader) cleanups.push(installTraceResponseWriter());
  cleanups.push(
    installCrashHandlers({
      tracer: trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      openServerSpans,
      processPicture,
      takeUndelivered: tracePipeline && (() => tracePipeline.processor.takeUndelivered()),
      traces: tracePipeline?.destination ?? { url: '', headers: {}, urlFromEnv: false },
      timeoutMillis: CRASH_FLUSH_TIMEOUT_MS,
    }),
  );

  const withDeadline = (work: Promise<unknown>): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.shutdownTimeoutMillis);
      timer.unref();
      work.then(
        () => resolve(),
        (error: unknown) => {
          writeWarning(`flush failed: ${describeError(error)}`);
          resolve();
        },
      );
    });

  let stopping: Promise<void> | undefined;
  const handle: FaultlineHandle = {
    started: true,
    forceFlush: () =>
      withDeadline(Promise.all([tracePipeline?.processor.forceFlush(), logProcessor?.forceFlush()])),
    shutdown: () => {
      stopping ??= withDeadline(sdk.shutdown()).then(() => {
        for (const cleanup of cleanups) cleanup();
      });
      return stopping;
    },
    droppedSpanCount: () => tracePipeline?.processor.droppedSpanCount ?? 0,
    sampledOut: () => tracePipeline?.processor.sampledOut ?? { traces: 0, spans: 0 },
  };
  if (options.handleSigterm) cleanups.push(flushOnSigterm(() => handle.shutdown()));
  // When the event loop runs dry the process would exit with telemetry still queued.
  const onBeforeExit = (): void => void handle.shutdown();
  process.once('beforeExit', onBeforeExit);
  cleanups.push(() => process.removeListener('beforeExit', onBeforeExit));
  return handle;
}

/**
 * Whether the SDK was given metric readers (start() passes none unless OTEL_METRICS_EXPORTER names
 * an exporter other than `none`), so a MeterProvider records what the server tracing measures.
 */
function metricsConfigured(env: NodeJS.ProcessEnv): boolean {
  const exporters = (env['OTEL_METRICS_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return exporters.length > 0 && !exporters.includes('none');
}
