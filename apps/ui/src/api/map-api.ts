import { getJson } from './http-client.js';
import type { WireServiceMap } from './wire-types.js';

/** `GET /api/service-map`: services, databases and uninstrumented peers of the last 24 h, and their calls. */
export function getServiceMap(signal?: AbortSignal): Promise<WireServiceMap> {
  return getJson<WireServiceMap>('/api/service-map', undefined, signal);
}
