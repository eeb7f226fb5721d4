import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAP_LAYOUT,
  layoutServiceMap,
  type MapLayout,
  type PlacedNode,
  packInOrder,
} from './map-layout.js';

const byId = (layout: MapLayout) => new Map(layout.nodes.map((n) => [n.id, n]));
const centreY = (n: PlacedNode) => n.y + n.height / 2;
const overlaps = (a: PlacedNode, b: PlacedNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function expectNoOverlap(layout: MapLayout) {
  for (const [i, a] of layout.nodes.entries())
    for (const b of layout.nodes.slice(i + 1)) expect(overlaps(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
}

function expectInside(layout: MapLayout) {
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
  }
  for (const e of layout.edges)
    for (const p of [...e.points, e.label]) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(layout.width);
      expect(p.y).toBeLessThanOrEqual(layout.height);
    }
}

/** Pairs of straight (neighbouring-column) edges whose ends swap their vertical order. */
function crossings(layout: MapLayout): number {
  const simple = layout.edges.filter((e) => e.kind === 'forward' && e.points.length === 2);
  let count = 0;
  for (const [i, a] of simple.entries())
    for (const b of simple.slice(i + 1)) {
      if (a.points[0]!.x !== b.points[0]!.x) continue;
      const start = a.points[0]!.y - b.points[0]!.y;
      const end = a.points[1]!.y - b.points[1]!.y;
      if (start * end < 0) count++;
    }
  return count;
}

describe('layoutServiceMap', () => {
  it('puts nodes in columns by call depth, left to right', () => {
    const layout = layoutServiceMap(
      ['postgresql', 'orders', 'gateway', '127.0.0.1:9999'],
      [
        { source: 'gateway', target: 'orders' },
        { source: 'orders', target: 'postgresql' },
        { source: 'gateway', target: '127.0.0.1:9999' },
      ],
    );
    const nodes = byId(layout);
    expect(nodes.get('gateway')!.layer).toBe(0);
    expect(nodes.get('orders')!.layer).toBe(1);
    expect(nodes.get('127.0.0.1:9999')!.layer).toBe(1);
    expect(nodes.get('postgresql')!.layer).toBe(2);
    expect(nodes.get('gateway')!.x).toBeLessThan(nodes.get('orders')!.x);
    expect(nodes.get('orders')!.x).toBeLessThan(nodes.get('postgresql')!.x);
    expectNoOverlap(layout);
    expectInside(layout);
  });

  it('draws a chain of calls on one straight line', () => {
    const layout = layoutServiceMap(
      ['gateway', 'orders', 'postgresql'],
      [
        { source: 'gateway', target: 'orders' },
        { source: 'orders', target: 'postgresql' },
      ],
    );
    const ys = layout.nodes.map(centreY);
    expect(new Set(ys).size).toBe(1);
  });

  it('places a node called at two depths after its deepest caller, routing the short call around', () => {
    const layout = layoutServiceMap(
      ['gateway', 'orders', 'postgresql'],
      [
        { source: 'gateway', target: 'orders' },
        { source: 'orders', target: 'postgresql' },
        { source: 'gateway', target: 'postgresql' },
      ],
    );
    const nodes = byId(layout);
    expect(nodes.get('postgresql')!.layer).toBe(2);
    const skip = layout.edges.find((e) => e.source === 'gateway' && e.target === 'postgresql')!;
    // Through a slot in the middle column, which no box occupies.
    expect(skip.points).toHaveLength(4);
    const orders = nodes.get('orders')!;
    const through = skip.points[1]!.y;
    expect(through < orders.y || through > orders.y + orders.height).toBe(true);
    expectNoOverlap(layout);
  });

  it('starts every forward edge at its source’s right side and ends it at its target’s left side', () => {
    const layout = layoutServiceMap(
      [],
      [
        { source: 'a', target: 'b' },
        { source: 'a', target: 'c' },
        { source: 'c', target: 'd' },
      ],
    );
    const nodes = byId(layout);
    for (const edge of layout.edges) {
      const from = nodes.get(edge.source)!;
      const to = nodes.get(edge.target)!;
      const [start, end] = [edge.points[0]!, edge.points.at(-1)!];
      expect(edge.kind).toBe('forward');
      expect(start.x).toBe(from.x + from.width);
      expect(start.y).toBeGreaterThan(from.y);
      expect(start.y).toBeLessThan(from.y + from.height);
      expect(end.x).toBe(to.x);
      expect(end.y).toBeGreaterThan(to.y);
      expect(end.y).toBeLessThan(to.y + to.height);
    }
  });

  it('gives calls leaving one box their own ports, in the order of their targets', () => {
    const layout = layoutServiceMap(
      [],
      ['b', 'c', 'd'].map((target) => ({ source: 'a', target })),
    );
    const nodes = byId(layout);
    const starts = layout.edges
      .map((e) => ({ target: centreY(nodes.get(e.target)!), port: e.points[0]!.y }))
      .sort((p, q) => p.target - q.target)
      .map((p) => p.port);
    expect(new Set(starts).size).toBe(3);
    expect([...starts].sort((p, q) => p - q)).toEqual(starts);
  });

  it('labels a fan-out beside each target and a fan-in beside each caller, one label per row', () => {
    const fanOut = layoutServiceMap(
      [],
      ['b', 'c', 'd'].map((target) => ({ source: 'a', target })),
    );
    const targets = byId(fanOut);
    for (const edge of fanOut.edges) {
      expect(edge.labelAnchor).toBe('end');
      expect(edge.label.x).toBeLessThan(targets.get(edge.target)!.x);
      expect(Math.abs(edge.label.y - edge.points.at(-1)!.y)).toBeLessThan(15);
    }
    expect(new Set(fanOut.edges.map((e) => e.label.y)).size).toBe(3);
    const fanIn = layoutServiceMap(
      [],
      ['b', 'c', 'd'].map((source) => ({ source, target: 'db' })),
    );
    const sources = byId(fanIn);
    for (const edge of fanIn.edges) {
      expect(edge.labelAnchor).toBe('start');
      expect(edge.label.x).toBeGreaterThan(sources.get(edge.source)!.x + sources.get(edge.source)!.width);
    }
  });

  it('survives cycles: every node gets a column and the edge closing the loop runs back right to left', () => {
    const layout = layoutServiceMap(
      ['orders', 'inventory', 'pricing'],
      [
        { source: 'orders', target: 'inventory' },
        { source: 'inventory', target: 'pricing' },
        { source: 'pricing', target: 'orders' },
        { source: 'orders', target: 'orders' },
      ],
    );
    expect(layout.nodes.map((n) => n.layer).sort()).toEqual([0, 1, 2]);
    const kinds = layout.edges.map((e) => e.kind).sort();
    expect(kinds).toEqual(['back', 'forward', 'forward', 'self']);
    // The call closing the loop runs right to left: out of its source's left side, into its target's right.
    const back = layout.edges.find((e) => e.kind === 'back')!;
    const nodes = byId(layout);
    const [from, to] = [nodes.get(back.source)!, nodes.get(back.target)!];
    expect(from.layer - to.layer).toBe(2);
    expect(back.points[0]!.x).toBe(from.x);
    expect(back.points.at(-1)!.x).toBe(to.x + to.width);
    // It passes the middle column through a slot of its own, not through the box there.
    const middle = layout.nodes.find((n) => n.layer === 1)!;
    const through = back.points[1]!.y;
    expect(through < middle.y || through > middle.y + middle.height).toBe(true);
    expectNoOverlap(layout);
    expectInside(layout);
  });

  it('keeps a two-service loop (a calls b, b calls a) readable', () => {
    const layout = layoutServiceMap(
      ['a', 'b'],
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    );
    expect(layout.nodes.map((n) => `${n.id}:${n.layer}`).sort()).toEqual(['a:0', 'b:1']);
    expect(layout.edges.map((e) => `${e.source}>${e.target}:${e.kind}`).sort()).toEqual([
      'a>b:forward',
      'b>a:back',
    ]);
  });

  it('orders a column to untangle crossing calls', () => {
    // Walked in name order, the second column would be c, d and b -> c would cross a -> d.
    const edges = [
      { source: 'a', target: 'c' },
      { source: 'a', target: 'd' },
      { source: 'b', target: 'c' },
    ];
    const layout = layoutServiceMap(['a', 'b', 'c', 'd'], edges);
    expect(crossings(layout)).toBe(0);
    const nodes = byId(layout);
    expect(centreY(nodes.get('d')!)).toBeLessThan(centreY(nodes.get('c')!));
  });

  it('centres a caller among the services it fans out to', () => {
    const targets = ['s1', 's2', 's3', 's4', 's5'];
    const layout = layoutServiceMap(
      ['gateway', ...targets],
      targets.map((target) => ({ source: 'gateway', target })),
    );
    const nodes = byId(layout);
    const mean = targets.reduce((sum, id) => sum + centreY(nodes.get(id)!), 0) / targets.length;
    expect(centreY(nodes.get('gateway')!)).toBeCloseTo(mean, 5);
    expectNoOverlap(layout);
  });

  it('lays out 20 services without overlap, inside its own bounds, the same whatever the input order', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const edges = ids.slice(1).map((id, i) => ({ source: ids[Math.floor(i / 3)]!, target: id }));
    edges.push({ source: 'svc-19', target: 'svc-02' }, { source: 'svc-01', target: 'svc-18' });
    const layout = layoutServiceMap(ids, edges);
    expect(layout.nodes).toHaveLength(20);
    expectNoOverlap(layout);
    expectInside(layout);
    expect(crossings(layout)).toBe(0);
    const shuffled = layoutServiceMap([...ids].reverse(), [...edges].reverse());
    expect(shuffled).toEqual(layout);
  });

  it('places services that call nobody and nobody calls, and answers an empty map', () => {
    const layout = layoutServiceMap(['alone', 'also-alone'], []);
    expect(layout.nodes.map((n) => n.layer)).toEqual([0, 0]);
    expectNoOverlap(layout);
    expect(layoutServiceMap([], [])).toEqual({
      nodes: [],
      edges: [],
      width: 2 * DEFAULT_MAP_LAYOUT.margin,
      height: 2 * DEFAULT_MAP_LAYOUT.margin,
    });
  });

  it('adds a node named only by an edge, and counts a repeated edge once', () => {
    const layout = layoutServiceMap(
      ['gateway'],
      [
        { source: 'gateway', target: 'ghost' },
        { source: 'gateway', target: 'ghost' },
      ],
    );
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(['gateway', 'ghost']);
    expect(layout.edges).toHaveLength(1);
  });
});

describe('packInOrder', () => {
  it('keeps boxes where they want to be when they do not collide', () => {
    expect(packInOrder([10, 100], [20, 20], 5)).toEqual([0, 90]);
  });

  it('spreads colliding boxes evenly around their common wish, in order', () => {
    expect(packInOrder([50, 50, 50], [20, 20, 20], 10)).toEqual([10, 40, 70]);
  });
});
