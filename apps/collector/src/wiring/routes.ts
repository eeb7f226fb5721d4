import type * as grpc from '@grpc/grpc-js';
import { registerCompareRoutes } from '../api/compare-routes.js';
import { registerExportRoutes } from '../api/export-routes.js';
import { registerFailureRoutes } from '../api/failure-routes.js';
import { registerHealthRoutes } from '../api/health-routes.js';
import type { OutlineCache } from '../api/outline-cache.js';
import { registerTraceOutlineRoutes } from '../api/trace-outline-routes.js';
import { registerTraceRoutes } from '../api/trace-routes.js';
import { defaultUiDir, registerUi } from '../api/ui-static.js';
import type { CollectorConfig } from '../config.js';
import type { OtlpForwarder } from '../forward/otlp-forwarder.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import { buildGrpcServer } from '../otlp-grpc/grpc-server.js';
import { registerOtlpHttpRoutes } from '../otlp-http/otlp-http-routes.js';
import type { Store } from '../store/store.js';
import type { TraceReadLimits } from '../store/types.js';
import type { Listeners } from './listeners.js';

/** What the routes answer from. */
export interface RouteDeps {
  config: CollectorConfig;
  store: Store;
  queue: IngestQueue;
  forwarder: OtlpForwarder | undefined;
  outlines: OutlineCache;
  maxPendingItems: number;
  isAccepting: () => boolean;
  traceAnswerLimits: TraceReadLimits | undefined;
}

/** Registers OTLP intake, health, the query API and the UI; returns the gRPC server (not yet bound). */
export async function registerRoutes(listeners: Listeners, deps: RouteDeps): Promise<grpc.Server> {
  const { api, otlp, caps } = listeners;
  const { config, store, queue, forwarder } = deps;
  registerOtlpHttpRoutes(otlp, { queue, maxBodyBytes: config.maxBodyBytes });
  registerHealthRoutes(api, {
    queue,
    isAccepting: deps.isAccepting,
    maxPendingItems: deps.maxPendingItems,
    connectionStats: () => ({
      api: caps.api.snapshot(),
      otlpHttp: caps.otlpHttp.snapshot(),
      otlpGrpc: listeners.grpc.snapshot(),
    }),
    ...(forwarder ? { forwardStats: () => forwarder.stats } : {}),
  });
  registerTraceRoutes(api, store, deps.traceAnswerLimits);
  registerTraceOutlineRoutes(api, store, deps.outlines);
  registerFailureRoutes(api, store);
  registerCompareRoutes(api, store);
  registerExportRoutes(api, store, queue, config.maxBodyBytes);
  await registerUi(api, config.uiDir ?? defaultUiDir());
  return buildGrpcServer({
    queue,
    maxBodyBytes: config.maxBodyBytes,
    token: config.token,
    allowedHosts: listeners.allowedHosts,
    log: listeners.otlpLog,
    calls: listeners.grpc,
  });
}
