import type { SlowerSpan } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { splitSlowerSpans } from './slower-spans.js';

const slower = (signature: string, failingMs: number, baselineMs: number): SlowerSpan => ({
  signature,
  service: signature.split(' › ').at(-1)!.split(':')[0]!,
  name: signature.split(' › ').at(-1)!.split(':')[1]!,
  failingMs,
  baselineMs,
});

describe('splitSlowerSpans', () => {
  it('keeps the span that waited and sets aside the callers that were slow only because of it', () => {
    const entry = slower('gateway:GET /api/orders/:id', 315, 13);
    const server = slower('gateway:GET /api/orders/:id › orders:GET /orders/:id', 308, 6);
    const handler = slower('gateway:GET /api/orders/:id › orders:GET /orders/:id › orders:handler', 304, 5);
    const pool = slower(
      'gateway:GET /api/orders/:id › orders:GET /orders/:id › orders:handler › orders:pool',
      15,
      0.3,
    );
    const { own, inherited } = splitSlowerSpans([entry, server, handler, pool]);
    expect(own).toEqual([handler, pool]);
    expect(inherited).toEqual([entry, server]);
  });

  it('keeps a caller that was much slower than anything below it explains', () => {
    const entry = slower('gateway:GET /', 400, 10);
    const child = slower('gateway:GET / › gateway:auth', 50, 5);
    expect(splitSlowerSpans([entry, child]).own).toEqual([entry, child]);
  });

  it('does not take a sibling whose name starts the same for a descendant', () => {
    const a = slower('gateway:GET / › gateway:db', 100, 1);
    const b = slower('gateway:GET / › gateway:db2', 100, 1);
    expect(splitSlowerSpans([a, b]).inherited).toEqual([]);
  });
});
