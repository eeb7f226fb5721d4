import { SPAN_KIND_NAMES } from '@faultline/model';
import type { ServiceOperations } from '../types.js';

/** Groups (service, operation, kind, last seen) rows, sorted by service then name, per service. */
export function groupOperations(
  rows: Iterable<{ service: string; name: string; kind: number; lastSeenUnixNano: bigint }>,
): ServiceOperations[] {
  const services = new Map<string, ServiceOperations>();
  for (const row of rows) {
    let entry = services.get(row.service);
    if (!entry) {
      entry = { service: row.service, operations: [], lastSeenUnixNano: 0n };
      services.set(row.service, entry);
    }
    entry.operations.push({
      name: row.name,
      kind: SPAN_KIND_NAMES[row.kind] ?? 'UNSPECIFIED',
      lastSeenUnixNano: row.lastSeenUnixNano,
    });
    if (row.lastSeenUnixNano > entry.lastSeenUnixNano) entry.lastSeenUnixNano = row.lastSeenUnixNano;
  }
  return [...services.values()];
}
