import type { LayeredEdge } from './map-layering.js';

/*
 * Where the service map's edges run and where their labels go. Calls leave a box on its right side and
 * enter on the left; several calls on one side get their own ports, ordered like the boxes they lead
 * to, so lines do not cross at the box. A label sits on its own line, at the end where that line is
 * alone, so it cannot be taken for a neighbour's:
 *
 *        ┌──── 3 calls ──> b      (a fans out: labels by the targets)
 *   a ───┼──── 9 calls ──> c
 *        └── 1 call·1 error ──> d
 */

/** A point in the drawing, in CSS pixels. */
export interface Point {
  x: number;
  y: number;
}

/**
 * An edge's route. `forward`: a polyline from the source's right side to the target's left side, to be
 * drawn smooth; `back` (closing a cycle): the same from the source's left side to the target's right
 * side; `self`: the four control points of one cubic curve.
 */
export interface RoutedEdge {
  source: string;
  target: string;
  kind: LayeredEdge['kind'];
  points: Point[];
  /** Where the calls/errors label goes (its vertical centre), and which end of the text sits there. */
  label: Point;
  labelAnchor: 'start' | 'middle' | 'end';
}

/** A box as the router needs it. */
interface Box {
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Ports on one side spread over the middle half of the box. */
const PORT_SPREAD = 0.5;
/** A label on a line's end sits this far from the box, clear of the arrowhead. */
const LABEL_INSET = 14;

/** Routes every edge between placed boxes; dummies are the slots long edges pass through. */
export function routeEdges(
  edges: readonly LayeredEdge[],
  boxes: ReadonlyMap<string, Box>,
  grid: { dummyCentre: (id: string) => number; columnX: (layer: number) => number; columnWidth: number },
): RoutedEdge[] {
  const centreY = (id: string) => {
    const box = boxes.get(id);
    return box ? box.y + box.height / 2 : grid.dummyCentre(id);
  };
  // Forward and back edges both run left to right along their chain; a back edge is turned round last.
  const chained = edges.filter((e) => e.kind !== 'self');
  const left = (e: LayeredEdge) => e.chain[0]!;
  const right = (e: LayeredEdge) => e.chain.at(-1)!;
  // Each line's port: ordered by where the line goes next (leaving) or comes from (entering).
  const outPort = ports(chained, boxes, left, (e) => centreY(e.chain[1]!));
  const inPort = ports(chained, boxes, right, (e) => centreY(e.chain.at(-2)!));
  const outDegree = countBy(chained, left);
  const inDegree = countBy(chained, right);
  return edges.map((edge): RoutedEdge => {
    if (edge.kind === 'self') {
      // A node calling itself: a loop over its top edge.
      const box = boxes.get(edge.source)!;
      const points = [
        { x: box.x + box.width * 0.7, y: box.y },
        { x: box.x + box.width * 0.85, y: box.y - 44 },
        { x: box.x + box.width * 0.15, y: box.y - 44 },
        { x: box.x + box.width * 0.3, y: box.y },
      ];
      return { ...edge, points, label: cubicMidpoint(points), labelAnchor: 'middle' };
    }
    const from = boxes.get(left(edge))!;
    const to = boxes.get(right(edge))!;
    const start = { x: from.x + from.width, y: outPort.get(edge)! };
    const end = { x: to.x, y: inPort.get(edge)! };
    const points: Point[] = [start];
    const dummies = edge.chain.slice(1, -1);
    dummies.forEach((id, i) => {
      const x = grid.columnX(from.layer + 1 + i);
      points.push({ x, y: grid.dummyCentre(id) }, { x: x + grid.columnWidth, y: grid.dummyCentre(id) });
    });
    points.push(end);
    let label: Point;
    let labelAnchor: RoutedEdge['labelAnchor'] = 'middle';
    if (dummies.length > 0) {
      // On a long edge the label sits on the straight run through its middle dummy.
      const at = 1 + 2 * Math.floor((dummies.length - 1) / 2);
      label = midpoint(points[at]!, points[at + 1]!);
    } else {
      // On the straight end of the line that is alone at its box: the target's end of a fan-out.
      const fansOut = outDegree.get(left(edge))! > 1;
      const fansIn = inDegree.get(right(edge))! > 1;
      if (fansOut && !fansIn) [label, labelAnchor] = [{ x: end.x - LABEL_INSET, y: end.y }, 'end'];
      else if (fansIn && !fansOut) [label, labelAnchor] = [{ x: start.x + LABEL_INSET, y: start.y }, 'start'];
      else label = midpoint(start, end);
    }
    // A back edge was laid out from its target to its source: draw it the way the calls go.
    return { ...edge, points: edge.kind === 'back' ? points.reverse() : points, label, labelAnchor };
  });
}

/** The y of each edge's port on one side of a box, spread evenly and ordered by `towards`. */
function ports(
  edges: readonly LayeredEdge[],
  boxes: ReadonlyMap<string, Box>,
  owner: (edge: LayeredEdge) => string,
  towards: (edge: LayeredEdge) => number,
): Map<LayeredEdge, number> {
  const byOwner = new Map<string, LayeredEdge[]>();
  for (const edge of edges) byOwner.set(owner(edge), [...(byOwner.get(owner(edge)) ?? []), edge]);
  const port = new Map<LayeredEdge, number>();
  for (const [id, list] of byOwner) {
    const box = boxes.get(id)!;
    const sorted = [...list].sort((a, b) => towards(a) - towards(b));
    sorted.forEach((edge, i) => {
      const share =
        sorted.length === 1 ? 0.5 : (1 - PORT_SPREAD) / 2 + (PORT_SPREAD * i) / (sorted.length - 1);
      port.set(edge, box.y + share * box.height);
    });
  }
  return port;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * The SVG path of a route: a forward or back edge runs smooth through its points (horizontal at each
 * end, so it leaves and enters boxes straight); a self edge is its one cubic curve.
 */
export function routePath(edge: Pick<RoutedEdge, 'kind' | 'points'>): string {
  const p = edge.points;
  const at = (point: Point) => `${round(point.x)} ${round(point.y)}`;
  if (edge.kind === 'self') return `M ${at(p[0]!)} C ${at(p[1]!)}, ${at(p[2]!)}, ${at(p[3]!)}`;
  let d = `M ${at(p[0]!)}`;
  for (let i = 1; i < p.length; i++) {
    const [a, b] = [p[i - 1]!, p[i]!];
    const bend = (b.x - a.x) / 2;
    d +=
      a.y === b.y
        ? ` L ${at(b)}`
        : ` C ${at({ x: a.x + bend, y: a.y })}, ${at({ x: b.x - bend, y: b.y })}, ${at(b)}`;
  }
  return d;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function midpoint(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** The point halfway along a cubic Bézier curve (t = 0.5). */
function cubicMidpoint(p: readonly Point[]): Point {
  return {
    x: (p[0]!.x + 3 * p[1]!.x + 3 * p[2]!.x + p[3]!.x) / 8,
    y: (p[0]!.y + 3 * p[1]!.y + 3 * p[2]!.y + p[3]!.y) / 8,
  };
}
