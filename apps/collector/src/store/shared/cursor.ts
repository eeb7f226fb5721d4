import { badQuery } from '../../errors.js';

/*
 * The search cursor both stores hand out: a position in the newest-first order of traces (start
 * time, then trace id). A store reads only the cursors it wrote; anything else is a coded 400.
 */

/**
 * Where a search goes on: after the trace at (startNs, traceId), newest first; or, with `inside`,
 * inside that trace, after a span id, some span-level filters already met (bit i: filter i).
 */
export interface SearchPosition {
  startNs: bigint;
  traceId: Buffer;
  inside?: { spanAfter: Buffer; met: number };
}

/** Encodes a search position as a cursor: start time, trace id (and span id, filters met), base64url. */
export function encodeCursor(startNs: bigint, traceId: Buffer, inside?: SearchPosition['inside']): string {
  const within = inside ? `:${inside.spanAfter.toString('hex')}:${inside.met}` : '';
  return Buffer.from(`${startNs}:${traceId.toString('hex')}${within}`).toString('base64url');
}

/** The position a cursor of `encodeCursor` names; a coded 400 for anything else. */
export function decodeCursor(cursor: string): SearchPosition {
  const match = /^(\d{1,19}):([0-9a-f]{32})(?::([0-9a-f]{16}):(\d{1,3}))?$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!match) throw badQuery('cursor is not one this API returned');
  const position: SearchPosition = { startNs: BigInt(match[1]!), traceId: Buffer.from(match[2]!, 'hex') };
  if (match[3] !== undefined)
    position.inside = { spanAfter: Buffer.from(match[3], 'hex'), met: Number(match[4]) };
  return position;
}
