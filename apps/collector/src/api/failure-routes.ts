import { CAUSE_LABELS, type Cause } from '@faultline/diagnosis';
import type { WireFailures, WireServiceMap } from '@faultline/model';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { parseLimit, parseTime } from './query-params.js';

const HOUR_NS = 3_600_000_000_000n;

/** `GET /api/failures` (failure groups) and `GET /api/service-map`; shapes in docs/api.md. */
export function registerFailureRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/failures', async (request): Promise<WireFailures> => {
    const raw = request.query as Record<string, string | undefined>;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const sinceNs = parseTime(raw, 'since') ?? nowNs - 24n * HOUR_NS;
    const limit = parseLimit(raw, 100);
    const groups = await store.failureGroups(sinceNs, limit, Date.now() - 60 * 60_000);
    return {
      groups: await Promise.all(
        groups.map(async (g) => {
          // A fix is verified when a newer version of the origin service started serving and the
          // group has not recurred since: "not seen since 1.4.3 started, 12 min ago".
          const newer = await store.versionStartedAfter(g.originService, g.lastSeenUnixNano, g.versions);
          return {
            fingerprint: g.fingerprint,
            originService: g.originService,
            originOperation: g.originOperation,
            cause: g.cause,
            causeLabel: CAUSE_LABELS[g.cause as Cause] ?? g.cause,
            exceptionType: g.exceptionType,
            message: g.message,
            summary: g.summary,
            count: g.count,
            saturatedCount: g.saturatedCount,
            firstSeenUnixNano: g.firstSeenUnixNano.toString(),
            lastSeenUnixNano: g.lastSeenUnixNano.toString(),
            perMinute: g.perMinute,
            entryEndpoints: g.entryEndpoints,
            originEndpoints: g.originEndpoints,
            versions: g.versions,
            firstVersion: g.firstVersion,
            notSeenSince: newer
              ? { version: newer.version, startedUnixNano: newer.firstSeenUnixNano.toString() }
              : null,
            latestTraceId: g.latestTraceId,
            sampleTraceIds: g.sampleTraceIds,
          };
        }),
      ),
    };
  });

  app.get('/api/service-map', async (request): Promise<WireServiceMap> => {
    const raw = request.query as Record<string, string | undefined>;
    const sinceNs = parseTime(raw, 'since') ?? BigInt(Date.now()) * 1_000_000n - HOUR_NS;
    return store.serviceMap(sinceNs);
  });
}
