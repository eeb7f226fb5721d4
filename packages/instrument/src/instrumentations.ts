import FastifyOtelInstrumentation from '@fastify/otel';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { BetterSqlite3Instrumentation } from './better-sqlite3-instrumentation.js';
import { ExpressErrorInstrumentation, rememberExpressLayerSpan } from './express-error-instrumentation.js';
import { ExpressInstrumentationBesideChannel, RouterChannelWatch } from './express-tracing.js';
import { FastifyOtelBesideChannel } from './fastify-tracing.js';
import { Mysql2PoolContextInstrumentation } from './mysql2-pool-context-instrumentation.js';
import type { FrameworkSpans } from './options.js';
import { PgPoolStateInstrumentation } from './pg-pool-instrumentation.js';

/** Instrumentations that only add noise to a 500 hunt (every file read, lookup and socket). */
const NOISY = ['fs', 'dns', 'net', 'runtime-node', 'router'];

/**
 * Builds Faultline's instrumentation set: the upstream auto-instrumentations (http, undici, express,
 * koa, pg, mysql2, redis, ioredis, mongodb, pino, winston, bunyan, ...) with Faultline's hooks,
 * instrumentation-express only where Faultline's channel tracing cannot take Express (light mode),
 * @fastify/otel when FAULTLINE_FASTIFY_SPANS=full or for Fastify 4 (otherwise fastify-tracing.ts,
 * which start.ts installs, traces Fastify), and Faultline's own additions. Instrumentations enable themselves when
 * constructed, and the order matters: Faultline's pg-pool wrapper must be installed before the pg
 * instrumentation's so that it runs inside it.
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS keep their usual meaning.
 */
export function createInstrumentations(
  env: NodeJS.ProcessEnv,
  spans: { fastify: FrameworkSpans; express: FrameworkSpans },
): Instrumentation[] {
  const wanted = (name: string): boolean => isInstrumentationWanted(env, name);
  const enabled = env['OTEL_NODE_ENABLED_INSTRUMENTATIONS']
    ? listFromEnv(env['OTEL_NODE_ENABLED_INSTRUMENTATIONS'])
    : undefined;

  const ours: Instrumentation[] = [];
  if (wanted('pg')) ours.push(new PgPoolStateInstrumentation());
  if (wanted('mysql2')) ours.push(new Mysql2PoolContextInstrumentation());
  // In light mode an Express on router ≥2.3 is traced through its channel (express-tracing.ts, which
  // start.ts installs); instrumentation-express and its error fix keep Express 4 and older routers.
  const routerWatch = spans.express === 'light' && wanted('express') ? new RouterChannelWatch() : undefined;
  if (routerWatch !== undefined) {
    ours.push(
      routerWatch,
      new ExpressInstrumentationBesideChannel({ requestHook: rememberExpressLayerSpan }, routerWatch),
    );
  }
  if (wanted('express')) ours.push(new ExpressErrorInstrumentation(routerWatch !== undefined));
  if (wanted('better-sqlite3')) ours.push(new BetterSqlite3Instrumentation());

  const noisyOff = Object.fromEntries(
    NOISY.filter((name) => enabled === undefined || !enabled.includes(name)).map((name) => [
      `@opentelemetry/instrumentation-${name}`,
      { enabled: false },
    ]),
  );
  const upstream = getNodeAutoInstrumentations({
    ...noisyOff,
    // The server half is Faultline's own (http-server-tracing.ts): same spans at a fraction of the cost.
    '@opentelemetry/instrumentation-http': { disableIncomingRequestInstrumentation: true },
    '@opentelemetry/instrumentation-express':
      routerWatch === undefined ? { requestHook: rememberExpressLayerSpan } : { enabled: false },
    '@opentelemetry/instrumentation-pino': { disableLogSending: false, disableLogCorrelation: false },
    '@opentelemetry/instrumentation-winston': { disableLogSending: false, disableLogCorrelation: false },
    '@opentelemetry/instrumentation-bunyan': { disableLogSending: false, disableLogCorrelation: false },
  });

  // In light mode Fastify 5 is traced through its channel (fastify-tracing.ts); Fastify 4 has none.
  const fastify = !wanted('fastify')
    ? []
    : spans.fastify === 'full'
      ? [new FastifyOtelInstrumentation({ registerOnInitialization: true })]
      : [new FastifyOtelBesideChannel()];
  return [...ours, ...upstream, ...(fastify as Instrumentation[])];
}

/**
 * Whether an instrumentation (by its short name: http, express, pg, ...) is on under
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS.
 */
export function isInstrumentationWanted(env: NodeJS.ProcessEnv, name: string): boolean {
  const enabled = env['OTEL_NODE_ENABLED_INSTRUMENTATIONS'];
  if (enabled && !listFromEnv(enabled).includes(name)) return false;
  return !listFromEnv(env['OTEL_NODE_DISABLED_INSTRUMENTATIONS']).includes(name);
}

function listFromEnv(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
