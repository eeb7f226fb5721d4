import { describe, expect, it } from 'vitest';
import { atMs, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { buildTraceTree } from './trace-tree.js';

describe('buildTraceTree', () => {
  it('sorts children by start time whatever order the spans arrived in', () => {
    const t = new TraceBuilder();
    const root = t.span({ service: 'a', name: 'root', kind: 'SERVER', startMs: 0, endMs: 10 });
    const late = t.span({ service: 'a', name: 'late', kind: 'INTERNAL', parent: root, startMs: 5, endMs: 6 });
    const early = t.span({
      service: 'a',
      name: 'early',
      kind: 'INTERNAL',
      parent: root,
      startMs: 1,
      endMs: 2,
    });
    const tree = buildTraceTree([late, root, early]);
    expect(tree.entry?.children.map((c) => c.span.name)).toEqual(['early', 'late']);
  });

  it('makes spans whose parent is missing into roots and marks them orphans', () => {
    const t = new TraceBuilder();
    const root = t.span({ service: 'a', name: 'root', kind: 'SERVER', startMs: 0, endMs: 10 });
    const orphan = t.span({
      service: 'b',
      name: 'orphan',
      kind: 'SERVER',
      parent: 'ffffffffffffffff',
      startMs: 2,
      endMs: 3,
    });
    const tree = buildTraceTree([orphan, root]);
    expect(tree.roots.map((r) => [r.span.name, r.orphan])).toEqual([
      ['root', false],
      ['orphan', true],
    ]);
  });

  it('enters through the earliest SERVER span without a parent, not an earlier orphan or client span', () => {
    const t = new TraceBuilder();
    t.span({ service: 'cron', name: 'tick', kind: 'INTERNAL', startMs: 0, endMs: 1 });
    t.span({
      service: 'b',
      name: 'orphan',
      kind: 'SERVER',
      parent: 'ffffffffffffffff',
      startMs: 1,
      endMs: 2,
    });
    const server = t.span({ service: 'a', name: 'GET /', kind: 'SERVER', startMs: 3, endMs: 9 });
    expect(buildTraceTree(t.spans).entry?.span).toBe(server);
  });

  it('falls back to the earliest root when no parentless SERVER span exists', () => {
    const t = new TraceBuilder();
    t.span({ service: 'b', name: 'later', kind: 'SERVER', parent: 'ffffffffffffffff', startMs: 5, endMs: 6 });
    const first = t.span({
      service: 'b',
      name: 'first',
      kind: 'INTERNAL',
      parent: 'eeeeeeeeeeeeeeee',
      startMs: 1,
      endMs: 2,
    });
    const tree = buildTraceTree(t.spans);
    expect(tree.entry?.span).toBe(first);
    expect(tree.roots[0]?.span).toBe(first);
  });

  it('keeps the richer copy of a duplicated span id', () => {
    const t = new TraceBuilder();
    const bare = t.span({
      service: 'a',
      name: 'op',
      kind: 'SERVER',
      startMs: 0,
      endMs: 1,
      spanId: '00000000000000aa',
    });
    const rich = { ...bare, status: { code: 'ERROR' as const, message: 'boom' } };
    for (const order of [
      [bare, rich],
      [rich, bare],
    ]) {
      const tree = buildTraceTree(order);
      expect(tree.nodesById.size).toBe(1);
      expect(tree.entry?.span).toBe(rich);
    }
  });

  it("keeps a skewed child under its parent and corrects its times and its same-service children's", () => {
    const t = new TraceBuilder();
    const client = t.span({ service: 'gateway', name: 'GET', kind: 'CLIENT', startMs: 100, endMs: 110 });
    // orders' clock is 50 ms behind: its server span seems to start before the call was made.
    const server = t.span({
      service: 'orders',
      name: 'GET /x',
      kind: 'SERVER',
      parent: client,
      startMs: 51,
      endMs: 59,
    });
    const query = t.span({
      service: 'orders',
      name: 'pg.query',
      kind: 'CLIENT',
      parent: server,
      startMs: 52,
      endMs: 58,
    });
    const tree = buildTraceTree(t.spans);
    const serverNode = tree.nodesById.get(server.spanId)!;
    expect(serverNode.parent?.span).toBe(client);
    expect(serverNode.startNs).toBe(atMs(101));
    expect(serverNode.endNs).toBe(atMs(109));
    expect(tree.nodesById.get(query.spanId)!.startNs).toBe(atMs(102));
  });

  it('turns parent loops into roots instead of losing the spans', () => {
    const t = new TraceBuilder();
    t.span({
      service: 'a',
      name: 'x',
      kind: 'INTERNAL',
      parent: '00000000000000bb',
      spanId: '00000000000000aa',
      startMs: 0,
      endMs: 1,
    });
    t.span({
      service: 'a',
      name: 'y',
      kind: 'INTERNAL',
      parent: '00000000000000aa',
      spanId: '00000000000000bb',
      startMs: 1,
      endMs: 2,
    });
    const tree = buildTraceTree(t.spans);
    expect(tree.roots.map((r) => r.span.name)).toEqual(['x']);
    expect(tree.roots[0]?.children.map((c) => c.span.name)).toEqual(['y']);
  });
});
