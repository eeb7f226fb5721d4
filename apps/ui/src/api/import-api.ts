import { postJson } from './http-client.js';
import type { WireImportResult } from './wire-types.js';

/** `POST /api/import`: stores an exported trace file or any OTLP/JSON traces/logs request. */
export function importOtlpJson(json: string, signal?: AbortSignal): Promise<WireImportResult> {
  return postJson<WireImportResult>('/api/import', json, signal);
}
