/*
 * The first half of the service map's layered layout: which column (layer) each node sits in, and the
 * order of nodes within a column. Calls flow left to right, so a node's layer is its call depth: the
 * longest chain of calls from a node nobody calls. Cycles (orders -> inventory -> orders) are broken by
 * setting aside the edges that close them ("back edges"): they do not count for the layers, and are laid
 * out as if they ran the other way (left to right), then drawn back into their target.
 *
 *   layer 0      layer 1     layer 2
 *   gateway ---> orders ---> postgresql
 *          \---> legacy
 *          \-------(dummy)-> postgresql    <- a call that skips a layer passes through a dummy slot
 */

/** A call from one node to another, as the layout sees it. */
export interface LayoutEdgeInput {
  source: string;
  target: string;
}

/** A slot in a layer: a node, or a dummy that a long edge passes through. */
export interface LayerItem {
  id: string;
  /** The node id, or undefined for a dummy. */
  nodeId: string | undefined;
  layer: number;
}

/** An edge split into layer-to-layer segments through dummies (a forward edge), or set aside. */
export interface LayeredEdge {
  source: string;
  target: string;
  /** `forward`: drawn left to right; `back`: closes a cycle; `self`: a node calling itself. */
  kind: 'forward' | 'back' | 'self';
  /**
   * Item ids the edge passes through, left to right: source to target for a forward edge, target to
   * source for a back edge; empty for a self edge.
   */
  chain: string[];
}

/** Nodes and dummies by layer, each layer in drawing order (top to bottom). */
export interface Layering {
  layers: LayerItem[][];
  edges: LayeredEdge[];
}

const SWEEPS = 8;
const edgeKey = (source: string, target: string) => `${source}\u0000${target}`;

/** Assigns layers and orders each layer to keep crossings few. Deterministic: ids are sorted first. */
export function layerGraph(nodeIds: readonly string[], edgeList: readonly LayoutEdgeInput[]): Layering {
  const ids = [...new Set([...nodeIds, ...edgeList.flatMap((e) => [e.source, e.target])])].sort();
  const unique = new Map(edgeList.map((e) => [edgeKey(e.source, e.target), e]));
  const edges = [...unique.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target),
  );
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of edges) {
    out.get(e.source)!.push(e.target);
    if (e.source !== e.target) indegree.set(e.target, indegree.get(e.target)! + 1);
  }
  const connected = new Set(edges.flatMap((e) => [e.source, e.target]));
  // Entry points first, so the walk (and with it layer 0's order) starts where requests start.
  const startOrder = [
    ...ids.filter((id) => indegree.get(id) === 0 && connected.has(id)),
    ...ids.filter((id) => indegree.get(id)! > 0),
    ...ids.filter((id) => !connected.has(id)),
  ];
  const { back, discovery } = findBackEdges(startOrder, out);

  const layerOf = longestPathLayers(ids, edges, back);
  const layerCount = Math.max(0, ...layerOf.values()) + 1;
  const layers: LayerItem[][] = Array.from({ length: layerCount }, () => []);
  for (const id of discovery) layers[layerOf.get(id)!]!.push({ id, nodeId: id, layer: layerOf.get(id)! });

  const layered: LayeredEdge[] = [];
  for (const e of edges) {
    if (e.source === e.target) {
      layered.push({ ...e, kind: 'self', chain: [] });
      continue;
    }
    const kind = back.has(edgeKey(e.source, e.target)) ? 'back' : 'forward';
    const [left, right] = kind === 'forward' ? [e.source, e.target] : [e.target, e.source];
    const chain = [left];
    for (let layer = layerOf.get(left)! + 1; layer < layerOf.get(right)!; layer++) {
      const id = `\u0000${e.source}\u0000${e.target}\u0000${layer}`;
      layers[layer]!.push({ id, nodeId: undefined, layer });
      chain.push(id);
    }
    chain.push(right);
    layered.push({ ...e, kind, chain });
  }
  orderLayers(layers, layered);
  return { layers, edges: layered };
}

/** Depth-first from the entry points; an edge to a node still on the walk's stack closes a cycle. */
function findBackEdges(startOrder: readonly string[], out: Map<string, string[]>) {
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const discovery: string[] = [];
  for (const start of startOrder) {
    if (state.has(start)) continue;
    // Iterative: a long chain of services must not depend on the call stack.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 'open');
    discovery.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = out.get(top.id)!;
      if (top.next >= targets.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      const targetState = state.get(target);
      if (targetState === 'open') back.add(edgeKey(top.id, target));
      else if (targetState === undefined) {
        state.set(target, 'open');
        discovery.push(target);
        stack.push({ id: target, next: 0 });
      }
    }
  }
  return { back, discovery };
}

/** Layer = the longest chain of (non-back) calls leading to the node; nodes nobody calls are layer 0. */
function longestPathLayers(
  ids: readonly string[],
  edges: readonly LayoutEdgeInput[],
  back: ReadonlySet<string>,
): Map<string, number> {
  const forward = edges.filter((e) => e.source !== e.target && !back.has(edgeKey(e.source, e.target)));
  const pending = new Map<string, number>(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of forward) {
    pending.set(e.target, pending.get(e.target)! + 1);
    next.get(e.source)!.push(e.target);
  }
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => pending.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const target of next.get(id)!) {
      layer.set(target, Math.max(layer.get(target)!, layer.get(id)! + 1));
      pending.set(target, pending.get(target)! - 1);
      if (pending.get(target) === 0) queue.push(target);
    }
  }
  return layer;
}

/**
 * Barycentre ordering: each item moves to the mean position of its neighbours in the layer before
 * (sweeping down) or after (sweeping up); the order with the fewest crossings seen is kept.
 */
function orderLayers(layers: LayerItem[][], edges: readonly LayeredEdge[]): void {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const edge of edges) {
    for (let i = 1; i < edge.chain.length; i++) {
      const [from, to] = [edge.chain[i - 1]!, edge.chain[i]!];
      down.set(from, [...(down.get(from) ?? []), to]);
      up.set(to, [...(up.get(to) ?? []), from]);
    }
  }
  const position = new Map<string, number>();
  const index = (layer: LayerItem[]) => {
    for (const [i, item] of layer.entries()) position.set(item.id, i);
  };
  layers.forEach(index);
  let best = layers.map((layer) => [...layer]);
  let bestCrossings = countCrossings(layers, down, position);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const order = layers.map((_, i) => i);
    for (const l of downward ? order.slice(1) : order.reverse().slice(1)) {
      const neighbours = downward ? up : down;
      const key = (item: LayerItem) => {
        const around = neighbours.get(item.id) ?? [];
        if (around.length === 0) return position.get(item.id)!;
        return around.reduce((sum, id) => sum + position.get(id)!, 0) / around.length;
      };
      const keyed = layers[l]!.map((item) => ({ item, key: key(item), was: position.get(item.id)! }));
      keyed.sort((a, b) => a.key - b.key || a.was - b.was);
      layers[l] = keyed.map((k) => k.item);
      index(layers[l]!);
    }
    const crossings = countCrossings(layers, down, position);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = layers.map((layer) => [...layer]);
    }
  }
  best.forEach((layer, l) => {
    layers[l] = layer;
  });
}

/** Pairs of layer-to-layer segments that cross, summed over neighbouring layers. */
function countCrossings(
  layers: readonly LayerItem[][],
  down: ReadonlyMap<string, string[]>,
  position: ReadonlyMap<string, number>,
): number {
  let crossings = 0;
  for (const layer of layers) {
    const segments: [number, number][] = [];
    for (const item of layer)
      for (const to of down.get(item.id) ?? []) segments.push([position.get(item.id)!, position.get(to)!]);
    for (let i = 0; i < segments.length; i++)
      for (let j = i + 1; j < segments.length; j++) {
        const [a, b] = [segments[i]!, segments[j]!];
        if ((a[0] - b[0]) * (a[1] - b[1]) < 0) crossings++;
      }
  }
  return crossings;
}
