import type { Point, RoutedEdge } from './map-routes.js';

/*
 * Edge labels that do not sit on each other or on a box. Each label has a few places on its own line
 * (the one the router chose first, then near either end, then the middle of each stretch); it takes the
 * first that is clear of the boxes and of the labels placed before it, else the router's choice.
 *
 *              3,800 calls
 *   checkout ──────────────┬──────────────> payments
 *                          │    3,900 calls
 *                          └───────────────> orders       <- moved to its end: the middle was taken
 *                               20 errors
 */

/** A box to keep labels off, in the drawing's pixels. */
export interface Obstacle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where one label goes: its anchor point and which end of the text sits there. */
export interface LabelPlace {
  at: Point;
  anchor: 'start' | 'middle' | 'end';
}

/** How much room a label needs: its widest line, and one line (above its edge) or two (around it). */
export interface LabelSize {
  width: number;
  lines: number;
}

/** Height of one line of label (11 px text and its halo); the first sits above the edge's line. */
const LINE_HEIGHT = 20;
/** A label at a line's end stays this far from the box the line touches, clear of the arrowhead. */
const END_INSET = 14;

/** The label's box for a place and a size: its first line above the edge's line, a second below. */
function boxOf(place: LabelPlace, size: LabelSize): Obstacle {
  const { width } = size;
  const left =
    place.anchor === 'start'
      ? place.at.x
      : place.anchor === 'end'
        ? place.at.x - width
        : place.at.x - width / 2;
  return { x: left, y: place.at.y - LINE_HEIGHT, width, height: LINE_HEIGHT * Math.min(2, size.lines) };
}

function overlaps(a: Obstacle, b: Obstacle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The places a label may take on its edge, the router's choice first. */
function candidates(route: RoutedEdge): LabelPlace[] {
  const places: LabelPlace[] = [{ at: route.label, anchor: route.labelAnchor }];
  if (route.kind === 'self') return places;
  const p = route.points;
  const [start, end] = [p[0]!, p.at(-1)!];
  // Lines leave and enter boxes horizontally, so the stretch beside either box is straight.
  const rightward = end.x > start.x;
  places.push(
    {
      at: { x: end.x + (rightward ? -END_INSET : END_INSET), y: end.y },
      anchor: rightward ? 'end' : 'start',
    },
    {
      at: { x: start.x + (rightward ? END_INSET : -END_INSET), y: start.y },
      anchor: rightward ? 'start' : 'end',
    },
  );
  for (const t of [0.5, 0.3, 0.7])
    for (let i = 1; i < p.length; i++)
      places.push({ at: pointOnStretch(p[i - 1]!, p[i]!, t), anchor: 'middle' });
  return places;
}

/**
 * The point a fraction `t` along one stretch of a drawn edge: the curve routePath draws between two
 * points (horizontal at both ends, bending halfway), or the straight run when they are level.
 */
function pointOnStretch(a: Point, b: Point, t: number): Point {
  const u = 1 - t;
  const bend = (b.x - a.x) / 2;
  const x = u ** 3 * a.x + 3 * u ** 2 * t * (a.x + bend) + 3 * u * t ** 2 * (b.x - bend) + t ** 3 * b.x;
  return { x, y: a.y + (b.y - a.y) * (3 * t ** 2 - 2 * t ** 3) };
}

/**
 * Places every route's label, in order, clear of `boxes` and of the labels before it where its line
 * allows. `sizes[i]` is the room route i's label needs.
 */
export function placeLabels(
  routes: readonly RoutedEdge[],
  sizes: readonly LabelSize[],
  boxes: readonly Obstacle[],
): LabelPlace[] {
  const taken: Obstacle[] = [];
  return routes.map((route, i) => {
    const size = sizes[i]!;
    const options = candidates(route);
    const clear = options.find((place) => {
      const box = boxOf(place, size);
      return !boxes.some((b) => overlaps(box, b)) && !taken.some((t) => overlaps(box, t));
    });
    const chosen = clear ?? options[0]!;
    taken.push(boxOf(chosen, size));
    return chosen;
  });
}

/** A fair estimate of an 11 px label line's width, without measuring text in the DOM. */
export function estimateLabelWidth(text: string): number {
  return text.length * 6.2 + 6;
}
