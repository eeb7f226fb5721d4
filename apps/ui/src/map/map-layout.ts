import { type LayerItem, type LayoutEdgeInput, layerGraph } from './map-layering.js';
import { type Point, type RoutedEdge, routeEdges } from './map-routes.js';

/*
 * The second half of the service map's layout: pixel positions. Columns are layers (call depth, left to
 * right); within a column each node is pulled towards the mean height of the nodes it is called by
 * (then of the nodes it calls), keeping the order the layering chose and a gap between boxes.
 *
 *   gateway ─┬─> orders ───> postgresql
 *            └─> legacy
 *
 * Edges that close a cycle run back underneath the nodes they connect.
 */

/** Box sizes and gaps in CSS pixels. */
export interface MapLayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
  margin: number;
}

/** Sizes that fit a name, a kind and two counts in a box, and an edge label between columns. */
export const DEFAULT_MAP_LAYOUT: MapLayoutOptions = {
  nodeWidth: 210,
  nodeHeight: 78,
  columnGap: 150,
  rowGap: 30,
  margin: 24,
};

/** A long edge's slot in a column it passes through: thin, so it costs little height. */
const DUMMY_HEIGHT = 12;
/** Room kept around an edge label's anchor when sizing the drawing. */
const LABEL_HALF_WIDTH = 70;
const LABEL_HALF_HEIGHT = 10;

/** A node's box: top-left corner and size. */
export interface PlacedNode {
  id: string;
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Everything the map draws, and the drawing's size. */
export interface MapLayout {
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
}

/** Lays out the service map: layers by call depth, few crossings, no overlapping boxes. */
export function layoutServiceMap(
  nodeIds: readonly string[],
  edges: readonly LayoutEdgeInput[],
  options: MapLayoutOptions = DEFAULT_MAP_LAYOUT,
): MapLayout {
  const { layers, edges: layered } = layerGraph(nodeIds, edges);
  const heightOf = (item: LayerItem) => (item.nodeId === undefined ? DUMMY_HEIGHT : options.nodeHeight);
  const callers = new Map<string, string[]>();
  const callees = new Map<string, string[]>();
  for (const edge of layered)
    for (let i = 1; i < edge.chain.length; i++) {
      const [from, to] = [edge.chain[i - 1]!, edge.chain[i]!];
      callees.set(from, [...(callees.get(from) ?? []), to]);
      callers.set(to, [...(callers.get(to) ?? []), from]);
    }

  const centre = new Map<string, number>();
  for (const layer of layers) {
    let top = 0;
    for (const item of layer) {
      centre.set(item.id, top + heightOf(item) / 2);
      top += heightOf(item) + options.rowGap;
    }
  }
  const place = (layer: LayerItem[], neighbours: Map<string, string[]>) => {
    const desired = layer.map((item) => {
      const around = neighbours.get(item.id) ?? [];
      if (around.length === 0) return centre.get(item.id)!;
      return around.reduce((sum, id) => sum + centre.get(id)!, 0) / around.length;
    });
    const tops = packInOrder(desired, layer.map(heightOf), options.rowGap);
    for (const [i, item] of layer.entries()) centre.set(item.id, tops[i]! + heightOf(item) / 2);
  };
  const indices = layers.map((_, i) => i);
  for (const l of indices.slice(1)) place(layers[l]!, callers);
  for (const l of [...indices].reverse().slice(1)) place(layers[l]!, callees);
  for (const l of indices.slice(1)) place(layers[l]!, callers);

  const columnX = (layer: number) => layer * (options.nodeWidth + options.columnGap);
  const nodes: PlacedNode[] = [];
  const box = new Map<string, PlacedNode>();
  for (const layer of layers)
    for (const item of layer) {
      if (item.nodeId === undefined) continue;
      const node = {
        id: item.nodeId,
        layer: item.layer,
        x: columnX(item.layer),
        y: centre.get(item.id)! - options.nodeHeight / 2,
        width: options.nodeWidth,
        height: options.nodeHeight,
      };
      nodes.push(node);
      box.set(node.id, node);
    }
  const routed = routeEdges(layered, box, {
    dummyCentre: (id) => centre.get(id)!,
    columnX,
    columnWidth: options.nodeWidth,
  });
  return normalise(nodes, routed, options.margin);
}

/**
 * Tops for boxes kept in order with `gap` between them, each as close as it can be to its desired
 * centre (least squares): boxes that would overlap are merged into a block centred on their mean wish.
 */
export function packInOrder(
  desiredCentres: readonly number[],
  heights: readonly number[],
  gap: number,
): number[] {
  type Block = { first: number; count: number; height: number; wish: number; top: number };
  const blocks: Block[] = [];
  desiredCentres.forEach((centre, i) => {
    const height = heights[i]!;
    let block: Block = { first: i, count: 1, height, wish: centre - height / 2, top: centre - height / 2 };
    for (let previous = blocks.at(-1); previous && previous.top + previous.height + gap > block.top; ) {
      blocks.pop();
      const offset = previous.height + gap;
      const wish = previous.wish + block.wish - block.count * offset;
      const count = previous.count + block.count;
      block = { first: previous.first, count, height: offset + block.height, wish, top: wish / count };
      previous = blocks.at(-1);
    }
    blocks.push(block);
  });
  const tops: number[] = [];
  for (const block of blocks) {
    let top = block.top;
    for (let i = block.first; i < block.first + block.count; i++) {
      tops.push(top);
      top += heights[i]! + gap;
    }
  }
  return tops;
}

/** Moves everything so the drawing starts at `margin`, and sizes it to hold boxes, curves and labels. */
function normalise(nodes: PlacedNode[], edges: RoutedEdge[], margin: number): MapLayout {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of nodes) {
    xs.push(n.x, n.x + n.width);
    ys.push(n.y, n.y + n.height);
  }
  for (const e of edges) {
    xs.push(...e.points.map((p) => p.x));
    ys.push(...e.points.map((p) => p.y));
    xs.push(e.label.x - LABEL_HALF_WIDTH, e.label.x + LABEL_HALF_WIDTH);
    ys.push(e.label.y - LABEL_HALF_HEIGHT, e.label.y + LABEL_HALF_HEIGHT);
  }
  if (xs.length === 0) return { nodes, edges, width: 2 * margin, height: 2 * margin };
  const dx = margin - Math.min(...xs);
  const dy = margin - Math.min(...ys);
  const move = (p: Point) => ({ x: p.x + dx, y: p.y + dy });
  return {
    nodes: nodes.map((n) => ({ ...n, x: n.x + dx, y: n.y + dy })),
    edges: edges.map((e) => ({ ...e, points: e.points.map(move), label: move(e.label) })),
    width: Math.max(...xs) + dx + margin,
    height: Math.max(...ys) + dy + margin,
  };
}
