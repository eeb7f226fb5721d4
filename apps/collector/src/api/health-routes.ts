import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from '../auth.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';

/** What the probes report on. */
export interface HealthDeps {
  queue: IngestQueue;
  /** True once every listener is up and the store is open. */
  isAccepting: () => boolean;
  maxPendingItems: number;
  /** Sockets per listener: held, busy, evicted and refused at the cap (connection-cap.ts). */
  connectionStats?: () => object;
  /** Forwarding counters, when `--forward` is set. */
  forwardStats?: () => object;
}

/**
 * `GET /healthz`: 200 once the collector accepts data (contract). `GET /readyz`: 200 while the writer
 * keeps up, 503 when the ingest backlog is over half its bound (a load balancer should go elsewhere).
 * Both are public: an orchestrator probes them without the token, and they reveal no stored data.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', PUBLIC_ROUTE, async (_request, reply) => {
    if (!deps.isAccepting()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok' };
  });
  app.get('/readyz', PUBLIC_ROUTE, async (_request, reply) => {
    const backlog = deps.queue.backlog;
    const ready = deps.isAccepting() && backlog <= deps.maxPendingItems / 2;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'busy',
      backlog,
      ...deps.queue.stats,
      ...(deps.connectionStats ? { connections: deps.connectionStats() } : {}),
      ...(deps.forwardStats ? { forward: deps.forwardStats() } : {}),
    });
  });
}
