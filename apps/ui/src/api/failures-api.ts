import { getJson } from './http-client.js';
import type { WireFailureGroup, WireFailures } from './wire-types.js';

/** A failure group, nanoseconds as bigint. */
export interface FailureGroup extends Omit<WireFailureGroup, 'firstSeenUnixNano' | 'lastSeenUnixNano'> {
  firstSeenUnixNano: bigint;
  lastSeenUnixNano: bigint;
}

/** `GET /api/failures`: failing traces grouped by origin and cause, most recent activity first. */
export async function listFailures(signal?: AbortSignal): Promise<FailureGroup[]> {
  const answer = await getJson<WireFailures>('/api/failures', undefined, signal);
  return answer.groups
    .map((g) => ({
      ...g,
      firstSeenUnixNano: BigInt(g.firstSeenUnixNano),
      lastSeenUnixNano: BigInt(g.lastSeenUnixNano),
    }))
    .sort((a, b) =>
      a.lastSeenUnixNano === b.lastSeenUnixNano ? 0 : a.lastSeenUnixNano > b.lastSeenUnixNano ? -1 : 1,
    );
}
