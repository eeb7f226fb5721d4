import { afterAll, beforeAll, expect } from 'vitest';
import type {
  RunningCollector,
  StoredTrace,
} from '../../../../packages/instrument/test/harness/collector.js';
import { startCollector } from '../../../../packages/instrument/test/harness/collector.js';
import type { RunningMariaDb } from '../../../../packages/instrument/test/harness/mariadb.js';
import { mariaDbMissing, startMariaDb } from '../../../../packages/instrument/test/harness/mariadb.js';
import type { RunningPostgres } from '../../../../packages/instrument/test/harness/postgres.js';
import { postgresBinDir, startPostgres } from '../../../../packages/instrument/test/harness/postgres.js';
import { type DroppingMongo, startDroppingMongo } from './mongo-wire.js';
import {
  type CuttingProxy,
  closedPort,
  type DroppingServer,
  startCuttingProxy,
  startDroppingServer,
} from './ports.js';
import { type RunningRedis, redisMissing, startRedis } from './redis.js';
import { startService, type ZooService } from './service.js';

/** The verdict fields the zoo asserts (the collector's `diagnosis`, see docs/diagnosis.md). */
export interface Verdict {
  originSpanId: string;
  originService: string;
  cause: string;
  summary: string;
  evidence: Record<string, unknown>;
  otherFailures?: Array<{ spanId: string; service: string; name: string; reason: string }>;
}

/** What one test file of the zoo runs: a collector, the store service, and what it asks for. */
export interface Zoo {
  collector: RunningCollector;
  store: ZooService;
  gateway: ZooService;
  mariadb: RunningMariaDb;
  redis: RunningRedis;
  postgres: RunningPostgres;
}

/** Which servers a test file needs. */
export interface ZooNeeds {
  mariadb?: boolean;
  redis?: boolean;
  postgres?: boolean;
  gateway?: boolean;
  /** Services export with the SDK's default batch delays (500 ms) instead of the zoo's 100 ms. */
  defaultExportDelays?: boolean;
}

/**
 * Why the file cannot run here, or undefined. In CI (CI=true) nothing is skipped: a missing server
 * fails the file when it starts; locally the file is skipped with this reason.
 */
export function zooMissing(needs: ZooNeeds): string | undefined {
  if (process.env['CI']) return undefined;
  const postgresMissing =
    needs.postgres && !postgresBinDir()
      ? 'PostgreSQL binaries not found: install postgresql or set PG_BIN'
      : undefined;
  return (
    (needs.mariadb ? mariaDbMissing() : undefined) ??
    (needs.redis ? redisMissing() : undefined) ??
    postgresMissing
  );
}

/**
 * Starts, before the file's tests, a collector, the servers `needs` names, a port that refuses and one
 * that drops connections, a peer that drops MongoDB connections after the handshake, a proxy to
 * MariaDB that cuts the connection when a query sleeps (CUT_MYSQL_URL), the store service and (if asked) the gateway in front of it; stops them all
 * after. The returned object is filled in by the time the tests run.
 */
export function useZoo(needs: ZooNeeds): Zoo {
  const zoo = {} as Zoo;
  let drop: DroppingServer | undefined;
  let mongoPeer: DroppingMongo | undefined;
  let cutting: CuttingProxy | undefined;
  beforeAll(async () => {
    const [collector, mariadb, redis, postgres, dropping, peer, closed] = await Promise.all([
      startCollector(),
      needs.mariadb ? startMariaDb() : undefined,
      needs.redis ? startRedis() : undefined,
      needs.postgres ? startPostgres() : undefined,
      startDroppingServer(),
      startDroppingMongo(),
      closedPort(),
    ]);
    Object.assign(zoo, { collector, mariadb, redis, postgres });
    drop = dropping;
    mongoPeer = peer;
    if (mariadb) {
      const target = new URL(mariadb.url);
      cutting = await startCuttingProxy({ host: target.hostname, port: Number(target.port) }, 'SLEEP(');
    }
    zoo.store = await startService(
      'store.cjs',
      'store',
      collector.otlpHttpUrl,
      {
        MYSQL_URL: mariadb?.url ?? '',
        REDIS_URL: redis?.url ?? '',
        PG_URL: postgres?.url ?? '',
        CLOSED_PORT: String(closed),
        DROP_PORT: String(dropping.port),
        MONGO_PEER_PORT: String(peer.port),
        CUT_MYSQL_URL: cutting ? `mysql://root@127.0.0.1:${cutting.port}/faultline` : '',
      },
      { defaultExportDelays: needs.defaultExportDelays },
    );
    if (needs.gateway) {
      zoo.gateway = await startService(
        'gateway.cjs',
        'gateway',
        collector.otlpHttpUrl,
        {
          STORE_URL: zoo.store.url,
        },
        { defaultExportDelays: needs.defaultExportDelays },
      );
    }
  });
  afterAll(async () => {
    await Promise.all([zoo.gateway?.stop(), zoo.store?.stop()]);
    zoo.postgres?.stop();
    await Promise.all([
      zoo.collector?.stop(),
      zoo.mariadb?.stop(),
      zoo.redis?.stop(),
      drop?.close(),
      mongoPeer?.close(),
    ]);
  });
  return zoo;
}

/**
 * True once the trace has a verdict, the server span of every service that answered in it, at least
 * `serverSpans` server spans in all (a gateway's retries reach the store more than once), and no span
 * whose parent is still missing.
 */
function settled(trace: StoredTrace, services: readonly string[], serverSpans: number): boolean {
  if (trace.diagnosis === null || trace.diagnosis === undefined) return false;
  const servers = trace.spans.filter((span) => span.kind === 'SERVER');
  return (
    servers.length >= serverSpans &&
    services.every((service) => servers.some((s) => s.service === service)) &&
    complete(trace)
  );
}

/**
 * True when every span's parent has arrived. A caller's spans come in more than one batch (undici
 * ends a fetch's client span after the answer's body, which can be after the server span that made
 * the call), and a verdict read in between sees the callee's server span as an orphan.
 */
export function complete(trace: StoredTrace): boolean {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return trace.spans.every((span) => !span.parentSpanId || ids.has(span.parentSpanId));
}

/**
 * Requests `path` from `service`, expects `status`, and returns the verdict of its trace once the
 * server spans of `services` (default: the one asked), `serverSpans` of them in all, have arrived.
 */
export async function verdictOf(
  zoo: Zoo,
  service: ZooService,
  path: string,
  status: number,
  services: readonly string[] = [service === zoo.gateway ? 'gateway' : 'store'],
  serverSpans = services.length,
): Promise<{ verdict: Verdict; trace: StoredTrace }> {
  const response = await service.get(path);
  expect(response.status, `${path}: ${service.stderr().slice(-2000)}`).toBe(status);
  expect(response.traceId).toBeDefined();
  const trace = await zoo.collector.waitForTrace(
    response.traceId!,
    (t) => settled(t, services, serverSpans),
    15_000,
  );
  return { verdict: trace.diagnosis as Verdict, trace };
}

/** The name of the span the verdict names as the origin. */
export function originName(verdict: Verdict, trace: StoredTrace): string | undefined {
  return trace.spans.find((span) => span.spanId === verdict.originSpanId)?.name;
}
