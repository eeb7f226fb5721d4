import type * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { OutlineCache } from './api/outline-cache.js';
import type { CollectorConfig } from './config.js';
import type { OtlpForwarder } from './forward/otlp-forwarder.js';
import type { IngestQueue } from './ingest/ingest-queue.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import type { TraceReadLimits } from './store/types.js';
import { buildForwarder, webhookAlerts } from './wiring/alerts-and-forward.js';
import { buildListeners, type Listeners } from './wiring/listeners.js';
import { registerRoutes } from './wiring/routes.js';
import { buildIngestQueue, startBackgroundWork } from './wiring/store-and-finalizer.js';

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

/**
 * Builds the collector without listening, so tests drive it with `inject()`. What each part wires is
 * in wiring/: the listeners and their guards, the store's queue and background work, alerts and
 * `--forward`, and the routes.
 */
export async function buildApp(config: CollectorConfig, options: BuildOptions = {}): Promise<Collector> {
  const store =
    options.store ??
    (await openStore(config, {
      // Runs only once the listeners below exist: background writes start after the store is open.
      onBackgroundError: (error, failures) =>
        listeners.api.log.error({ err: error, failures }, 'store: background write failed'),
    }));
  const forwarder = buildForwarder(config, () => listeners.otlp.log);
  const maxPendingItems = options.maxPendingItems ?? MAX_PENDING_ITEMS;
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const listeners = await buildListeners(config, options.requestTimeoutMs ?? 30_000, maxConnections);
  const { api, otlp } = listeners;
  const queue = buildIngestQueue(config, store, listeners, maxPendingItems, forwarder);
  const outlines = new OutlineCache();
  let accepting = false;
  const grpcServer = await registerRoutes(listeners, {
    config,
    store,
    queue,
    forwarder,
    outlines,
    maxPendingItems,
    isAccepting: () => accepting,
    traceAnswerLimits: options.traceAnswerLimits,
  });
  const parts = { listeners, grpcServer, store, queue, forwarder, outlines };
  const setAccepting = (value: boolean) => {
    accepting = value;
  };
  return {
    api,
    otlp,
    grpc: grpcServer,
    store,
    queue,
    forwarder,
    ...lifecycle(config, options, parts, setAccepting),
  };
}

/** What `listen` binds and starts, and `close` stops in order. */
interface Parts {
  listeners: Listeners;
  grpcServer: grpc.Server;
  store: Store;
  queue: IngestQueue;
  forwarder: OtlpForwarder | undefined;
  outlines: OutlineCache;
}

/**
 * Binds the listeners, then starts the store's background work (retention, the finalizer and its
 * alerts); `close` stops intake first and closes the store last, once everything acknowledged is in.
 */
function lifecycle(
  config: CollectorConfig,
  options: BuildOptions,
  { listeners, grpcServer, store, queue, forwarder, outlines }: Parts,
  setAccepting: (accepting: boolean) => void,
): Pick<Collector, 'listen' | 'close'> {
  const { api, otlp } = listeners;
  let stopBackground: (() => Promise<void>) | undefined;
  return {
    async listen() {
      await otlp.listen({ host: config.host, port: config.otlpHttpPort });
      await api.listen({ host: config.host, port: config.port });
      const otlpGrpcPort = await listeners.grpc.listen(grpcServer, config.host, config.otlpGrpcPort);
      const publicUrl =
        config.publicUrl ??
        `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${portOf(api)}`;
      stopBackground = startBackgroundWork({
        store,
        apiLog: listeners.apiLog,
        outlines,
        retentionIntervalMs: options.retentionIntervalMs,
        quietMs: options.diagnosisQuietMs,
        ...webhookAlerts(config, store, publicUrl, api.log, options.alertIntervalMs),
      });
      setAccepting(true);
      return { port: portOf(api), otlpHttpPort: portOf(otlp), otlpGrpcPort };
    },
    async close() {
      setAccepting(false);
      await stopBackground?.();
      await listeners.grpc.close(grpcServer);
      await otlp.close();
      await queue.drain();
      await forwarder?.close();
      await api.close();
      await store.close();
    },
  };
}

/** The port a Fastify app is bound to (0 before it listens). */
function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
