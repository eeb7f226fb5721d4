import cors from '@fastify/cors';
import type * as grpc from '@grpc/grpc-js';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { alertOnRecorded } from './alerts/alert-on-recorded.js';
import { WebhookAlerter } from './alerts/webhook-alerter.js';
import { registerCompareRoutes } from './api/compare-routes.js';
import { registerExportRoutes } from './api/export-routes.js';
import { registerFailureRoutes } from './api/failure-routes.js';
import { registerHealthRoutes } from './api/health-routes.js';
import { OutlineCache } from './api/outline-cache.js';
import { registerTraceOutlineRoutes } from './api/trace-outline-routes.js';
import { registerTraceRoutes } from './api/trace-routes.js';
import { defaultUiDir, registerUi } from './api/ui-static.js';
import { installBearerAuth } from './auth.js';
import type { CollectorConfig } from './config.js';
import { ConnectionCap } from './connection-cap.js';
import { installErrorHandler } from './error-handler.js';
import { startFinalizeLoop } from './finalize/finalize-loop.js';
import { OtlpForwarder } from './forward/otlp-forwarder.js';
import { HostAllowlist, installHostCheck, urlHost } from './host-check.js';
import { timeoutSafeServerFactory } from './http-server.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { Redactor } from './ingest/redactor.js';
import { GrpcListener } from './otlp-grpc/grpc-listener.js';
import { buildGrpcServer } from './otlp-grpc/grpc-server.js';
import { InflightBudget, installInflightBudget } from './otlp-http/inflight-budget.js';
import { registerOtlpHttpRoutes } from './otlp-http/otlp-http-routes.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { startRetention } from './retention.js';
import { describeStore, openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import type { TraceReadLimits } from './store/types.js';
import { describeStoreFailure } from './store-failure.js';

/** Ports actually bound (differs from the config when it asked for port 0). */
export interface BoundPorts {
  port: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
}

/** A built collector: two Fastify apps (UI/API and OTLP/HTTP), a gRPC server, the store and the queue. */
export interface Collector {
  api: FastifyInstance;
  otlp: FastifyInstance;
  grpc: grpc.Server;
  store: Store;
  queue: IngestQueue;
  /** Re-exports what is committed to `--forward`, when set. */
  forwarder: OtlpForwarder | undefined;
  /** Binds every listener; resolves with the bound ports. */
  listen(): Promise<BoundPorts>;
  /** Stops intake, commits everything acknowledged, closes the database. */
  close(): Promise<void>;
}

/** Options beyond the CLI's: for tests and embedding. */
export interface BuildOptions {
  maxPendingItems?: number;
  retentionIntervalMs?: number;
  /** A request (headers and body) must arrive within this long; slow clients are cut off. */
  requestTimeoutMs?: number;
  /**
   * A trace is diagnosed for failure groups once quiet this long (default 500 ms; 5 s on ClickHouse,
   * where spans arrive through exporters that batch for seconds and quiet is judged by span end times).
   */
  diagnosisQuietMs?: number;
  /** Webhook alerts post at most once per this long (default 10 s); tests shorten it. */
  alertIntervalMs?: number;
  /** Sockets each listener holds at most (default 1,024); tests use fewer. */
  maxConnections?: number;
  /** A store opened by the caller (tests on an in-process ClickHouse) instead of the configured one. */
  store?: Store;
  /** How much of a trace `GET /api/traces/:traceId` sends at once (default TRACE_ANSWER_LIMITS). */
  traceAnswerLimits?: TraceReadLimits;
}

const MAX_PENDING_ITEMS = 200_000;
/**
 * Sockets per listener (connection-cap.ts). Each listener counts its own, so a flood on an OTLP port
 * never takes the UI port's sockets: the probes and the UI keep answering.
 */
const MAX_CONNECTIONS = 1024;

/** Builds the collector without listening, so tests drive it with `inject()`. */
export async function buildApp(config: CollectorConfig, options: BuildOptions = {}): Promise<Collector> {
  const store =
    options.store ??
    (await openStore(config, {
      // Runs only once the listeners below exist: background writes start after the store is open.
      onBackgroundError: (error, failures) =>
        api.log.error({ err: error, failures }, 'store: background write failed'),
    }));
  const forwarder = config.forwardUrl
    ? new OtlpForwarder({
        url: config.forwardUrl,
        onDrop: (reason, requests) => otlp.log.warn(`forward: dropped ${requests} requests: ${reason}`),
      })
    : undefined;
  const maxPendingItems = options.maxPendingItems ?? MAX_PENDING_ITEMS;
  let accepting = false;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const caps = { api: new ConnectionCap(maxConnections), otlpHttp: new ConnectionCap(maxConnections) };
  const fastifyOptions = (listener: string, cap: ConnectionCap) => ({
    // JSON lines on stderr (stdout carries the banner); one line per error or refusal, never one per
    // request: request lines would carry query strings, and at ingest rates they are the flood.
    logger: { level: config.logLevel, name: `faultline-${listener}`, stream: process.stderr },
    logController: new LogController({ disableRequestLogging: true }),
    // Slow or idle clients are cut off; a sidecar must not be held open by a slowloris.
    connectionTimeout: requestTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: 10_000,
    serverFactory: timeoutSafeServerFactory(requestTimeoutMs, cap),
  });
  const otlp = Fastify({ ...fastifyOptions('otlp', caps.otlpHttp), bodyLimit: config.maxBodyBytes });
  const api = Fastify(fastifyOptions('api', caps.api));
  const otlpLog = new RateLimitedLog(otlp.log);
  const apiLog = new RateLimitedLog(api.log);
  const storeName = describeStore(config);
  const queue = new IngestQueue(store, {
    maxPendingItems,
    redactor: new Redactor({ extraPatterns: config.redactPatterns, keep: config.redactKeep }),
    onWriteError: (error) => {
      otlpLog.error('store-write', {}, describeStoreFailure(error, storeName));
      otlp.log.debug({ err: error }, 'store write failed');
    },
    ...(forwarder ? { onCommitted: (spans, logs) => forwarder.forward(spans, logs) } : {}),
  });

  // Hook order is the order of these calls: the Host check first (a rebinding page learns nothing,
  // not even whether a token is set), then CORS (a preflight carries no token), then the token.
  const allowedHosts = new HostAllowlist([
    config.host,
    urlHost(config.publicUrl) ?? '',
    ...config.allowedHosts,
  ]);
  for (const app of [otlp, api]) {
    installErrorHandler(app);
    installHostCheck(app, allowedHosts);
  }
  if (config.corsOrigins.length > 0) {
    await otlp.register(cors, { origin: config.corsOrigins, methods: ['POST'], maxAge: 600 });
  }
  for (const app of [otlp, api]) installBearerAuth(app, config.token);
  const grpcListener = new GrpcListener(maxConnections);
  // One body budget for both listeners: bodies are buffered whole, so many slow clients must not
  // add up to more memory than the sidecar is sized for.
  const budget = new InflightBudget(Math.max(config.maxInflightBytes, config.maxBodyBytes));
  for (const app of [otlp, api]) {
    installInflightBudget(app, budget);
  }
  registerOtlpHttpRoutes(otlp, { queue, maxBodyBytes: config.maxBodyBytes });
  registerHealthRoutes(api, {
    queue,
    isAccepting: () => accepting,
    maxPendingItems,
    connectionStats: () => ({
      api: caps.api.snapshot(),
      otlpHttp: caps.otlpHttp.snapshot(),
      otlpGrpc: grpcListener.snapshot(),
    }),
    ...(forwarder ? { forwardStats: () => forwarder.stats } : {}),
  });
  registerTraceRoutes(api, store, options.traceAnswerLimits);
  const outlines = new OutlineCache();
  registerTraceOutlineRoutes(api, store, outlines);
  registerFailureRoutes(api, store);
  registerCompareRoutes(api, store);
  registerExportRoutes(api, store, queue, config.maxBodyBytes);
  await registerUi(api, config.uiDir ?? defaultUiDir());

  const grpcServer = buildGrpcServer({
    queue,
    maxBodyBytes: config.maxBodyBytes,
    token: config.token,
    allowedHosts,
    log: otlpLog,
    calls: grpcListener,
  });
  let stopRetention: (() => void) | undefined;
  let stopFinalizing: (() => Promise<void>) | undefined;

  return {
    api,
    otlp,
    grpc: grpcServer,
    store,
    queue,
    forwarder,
    async listen() {
      await otlp.listen({ host: config.host, port: config.otlpHttpPort });
      await api.listen({ host: config.host, port: config.port });
      const otlpGrpcPort = await grpcListener.listen(grpcServer, config.host, config.otlpGrpcPort);
      const portOf = (app: FastifyInstance) => {
        const address = app.server.address();
        return typeof address === 'object' && address ? address.port : 0;
      };
      stopRetention = startRetention({
        store,
        intervalMs: options.retentionIntervalMs ?? 60_000,
        tracesPerStep: 200,
        onError: (error) => apiLog.error('retention', { err: error }, 'retention failed'),
      });
      const publicUrl =
        config.publicUrl ??
        `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${portOf(api)}`;
      stopFinalizing = startFinalizeLoop({
        store,
        onJudged: (traceId, trace, diagnosis) => outlines.keepJudged(traceId, trace, diagnosis),
        ...(config.alertWebhook
          ? {
              onRecorded: alertOnRecorded(
                store,
                new WebhookAlerter(config.alertWebhook, (m) => api.log.warn(m), {
                  ...(options.alertIntervalMs !== undefined ? { intervalMs: options.alertIntervalMs } : {}),
                }),
                publicUrl,
              ),
            }
          : {}),
        ...store.finalizeTuning,
        quietMs: options.diagnosisQuietMs ?? store.finalizeTuning.quietMs,
        onError: (error) => apiLog.error('diagnosis', { err: error }, 'diagnosis failed'),
      });
      accepting = true;
      return { port: portOf(api), otlpHttpPort: portOf(otlp), otlpGrpcPort };
    },
    async close() {
      accepting = false;
      stopRetention?.();
      await stopFinalizing?.();
      await grpcListener.close(grpcServer);
      await otlp.close();
      await queue.drain();
      await forwarder?.close();
      await api.close();
      await store.close();
    },
  };
}
