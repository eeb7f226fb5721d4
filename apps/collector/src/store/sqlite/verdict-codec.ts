import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { KeptVerdict } from '../types.js';

/**
 * How `traces.verdict` holds a kept verdict. Every finalized trace has one, so its size is paid per
 * trace: "did not fail" is an empty blob, and a diagnosis (with its evidence: stack trace, query,
 * summary; ~1.9 KB of JSON) is deflated, about a third of that. Rows written before this encoding
 * hold the JSON text and read as before.
 */
export function encodeVerdict(kept: KeptVerdict): Buffer {
  if (kept.diagnosis === null) return EMPTY;
  return deflateRawSync(JSON.stringify(kept), { level: 1 });
}

/** Reads what `encodeVerdict` wrote, or the JSON text of rows written before it. */
export function decodeVerdict(stored: Buffer | string): KeptVerdict {
  if (typeof stored === 'string') return JSON.parse(stored) as KeptVerdict;
  if (stored.length === 0) return { diagnosis: null };
  return JSON.parse(inflateRawSync(stored).toString('utf8')) as KeptVerdict;
}

const EMPTY = Buffer.alloc(0);
