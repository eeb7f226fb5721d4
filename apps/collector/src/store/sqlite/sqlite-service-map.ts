import type Database from 'better-sqlite3';
import { assembleServiceMap } from '../shared/service-map.js';
import type { ServiceMap } from '../types.js';
import type { EdgeStore } from './edge-store.js';
import type { FailureStore } from './failure-store.js';

/** Computes the service map of traces started at or after `sinceNs` from the per-minute edge counts. */
export function computeServiceMap(
  db: Database.Database,
  edgeStore: EdgeStore,
  failures: FailureStore,
  sinceNs: bigint,
): ServiceMap {
  const sinceMs = Number(sinceNs / 1_000_000n);
  const services = db.prepare('SELECT DISTINCT service FROM operations').pluck().all() as string[];
  return assembleServiceMap({
    services,
    edges: edgeStore.edgesSince(sinceMs),
    nodeCounts: failures.nodeCounts(sinceMs),
  });
}
