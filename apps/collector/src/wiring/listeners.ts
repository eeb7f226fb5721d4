import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { installBearerAuth } from '../auth.js';
import type { CollectorConfig } from '../config.js';
import { ConnectionCap } from '../connection-cap.js';
import { installErrorHandler } from '../error-handler.js';
import { HostAllowlist, installHostCheck, urlHost } from '../host-check.js';
import { timeoutSafeServerFactory } from '../http-server.js';
import { GrpcListener } from '../otlp-grpc/grpc-listener.js';
import { InflightBudget, installInflightBudget } from '../otlp-http/inflight-budget.js';
import { RateLimitedLog } from '../rate-limited-log.js';

/** The collector's three listeners, their socket caps and logs, with every guard hook installed. */
export interface Listeners {
  /** The UI and query API. */
  api: FastifyInstance;
  /** OTLP/HTTP intake. */
  otlp: FastifyInstance;
  grpc: GrpcListener;
  caps: { api: ConnectionCap; otlpHttp: ConnectionCap };
  allowedHosts: HostAllowlist;
  apiLog: RateLimitedLog;
  otlpLog: RateLimitedLog;
}

/**
 * Builds the listeners, none bound yet. Hook order is the order of these calls: the Host check first
 * (a rebinding page learns nothing, not even whether a token is set), then CORS (a preflight carries
 * no token), then the token, then the body budget.
 */
export async function buildListeners(
  config: CollectorConfig,
  requestTimeoutMs: number,
  maxConnections: number,
): Promise<Listeners> {
  const caps = { api: new ConnectionCap(maxConnections), otlpHttp: new ConnectionCap(maxConnections) };
  const otlp = Fastify({
    ...fastifyOptions(config, 'otlp', caps.otlpHttp, requestTimeoutMs),
    bodyLimit: config.maxBodyBytes,
  });
  const api = Fastify(fastifyOptions(config, 'api', caps.api, requestTimeoutMs));
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
  // One body budget for both listeners: bodies are buffered whole, so many slow clients must not
  // add up to more memory than the sidecar is sized for.
  const budget = new InflightBudget(Math.max(config.maxInflightBytes, config.maxBodyBytes));
  for (const app of [otlp, api]) installInflightBudget(app, budget);
  const grpc = new GrpcListener(maxConnections);
  return {
    api,
    otlp,
    grpc,
    caps,
    allowedHosts,
    apiLog: new RateLimitedLog(api.log),
    otlpLog: new RateLimitedLog(otlp.log),
  };
}

function fastifyOptions(
  config: CollectorConfig,
  listener: string,
  cap: ConnectionCap,
  requestTimeoutMs: number,
) {
  return {
    // JSON lines on stderr (stdout carries the banner); one line per error or refusal, never one per
    // request: request lines would carry query strings, and at ingest rates they are the flood.
    logger: { level: config.logLevel, name: `faultline-${listener}`, stream: process.stderr },
    logController: new LogController({ disableRequestLogging: true }),
    // Slow or idle clients are cut off; a sidecar must not be held open by a slowloris.
    connectionTimeout: requestTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: 10_000,
    serverFactory: timeoutSafeServerFactory(requestTimeoutMs, cap),
  };
}
