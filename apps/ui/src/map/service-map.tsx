import { useMemo } from 'preact/hooks';
import { formatCount, formatShortCount } from '../format/count-format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import type { MapEdge, MapNode } from './map-data.js';
import { estimateLabelWidth, type LabelPlace, placeLabels } from './map-labels.js';
import { layoutServiceMap } from './map-layout.js';
import { MapNodeView } from './map-node.js';
import { type RoutedEdge, routePath } from './map-routes.js';
import { edgeKey, type TraceOnMap } from './trace-on-map.js';

/** Arrowheads: one per edge style, since a marker cannot take its colour from the line that uses it. */
function ArrowMarkers() {
  return (
    <defs>
      {['plain', 'errors', 'lit'].map((tone) => (
        <marker
          key={tone}
          id={`map-arrow-${tone}`}
          class={`map-arrow ${tone}`}
          viewBox="0 0 10 10"
          refX={9}
          refY={5}
          markerWidth={9}
          markerHeight={9}
          markerUnits="userSpaceOnUse"
          orient="auto"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" />
        </marker>
      ))}
    </defs>
  );
}

/**
 * An edge's counts as the lines of its label: calls (above the line), then errors (below it) when
 * some failed. `format` shortens large counts to fit between two columns.
 */
function labelLines(edge: MapEdge, format = formatShortCount): string[] {
  const calls = format(edge.calls, 'call');
  const lines = [edge.traceOnly ? `this trace: ${calls}` : calls];
  if (edge.errors > 0) lines.push(format(edge.errors, 'error'));
  return lines;
}

function MapEdgeView(props: { edge: MapEdge; route: RoutedEdge; highlighted: boolean; dimmed: boolean }) {
  const { edge, route } = props;
  const tone = props.highlighted ? 'lit' : edge.errors > 0 ? 'errors' : 'plain';
  const classes = ['map-edge', tone, route.kind];
  if (props.dimmed) classes.push('dimmed');
  // Wider for busier edges, within reason: 1.4 px for one call, 3 px from about 10,000.
  const width = 1.25 + Math.min(1.75, Math.log10(edge.calls + 1) * 0.45);
  return (
    <g
      class={classes.join(' ')}
      data-testid="map-edge"
      data-source={edge.source}
      data-target={edge.target}
      data-highlighted={props.highlighted ? 'true' : undefined}
    >
      <title>{`${edge.source} → ${edge.target}: ${labelLines(edge, formatCount).join(', ')}`}</title>
      <path
        class="map-edge-line"
        d={routePath(route)}
        style={{ strokeWidth: props.highlighted ? width + 1.5 : width }}
        marker-end={`url(#map-arrow-${tone})`}
      />
    </g>
  );
}

/** An edge's counts, drawn above every line so a line crossing it cannot hide it. */
function MapEdgeLabel(props: { edge: MapEdge; place: LabelPlace; highlighted: boolean; dimmed: boolean }) {
  const { edge, place } = props;
  const classes = ['map-edge-label', props.highlighted ? 'lit' : edge.errors > 0 ? 'errors' : 'plain'];
  if (props.dimmed) classes.push('dimmed');
  const [calls, errors] = labelLines(edge);
  return (
    <text
      class={classes.join(' ')}
      data-testid="map-edge-label"
      data-source={edge.source}
      data-target={edge.target}
      text-anchor={place.anchor}
      dominant-baseline="central"
    >
      <tspan x={place.at.x} y={place.at.y - LABEL_LINE_OFFSET}>
        {calls}
      </tspan>
      {errors && (
        <tspan class="map-edge-errors" x={place.at.x} y={place.at.y + LABEL_LINE_OFFSET}>
          {errors}
        </tspan>
      )}
    </text>
  );
}

/** Label lines sit this far above and below their edge's line, so the line stays in sight between them. */
const LABEL_LINE_OFFSET = 10;

/** The smallest a map is drawn before it scrolls instead: 13 px names become 10.4 px. */
const MIN_SCALE = 0.8;

/** A node only an edge names (the collector lists every endpoint, but the drawing must not depend on it). */
const UNKNOWN_NODE: MapNode = { id: '', kind: 'service', originated: 0, passedThrough: 0, traceOnly: false };

/** Highlighted edges are drawn last, so no faded line runs over them. */
function litLast(routes: RoutedEdge[], highlight: TraceOnMap | undefined): RoutedEdge[] {
  if (!highlight) return routes;
  const lit = (r: RoutedEdge) => highlight.calls.has(edgeKey(r.source, r.target));
  return [...routes.filter((r) => !lit(r)), ...routes.filter(lit)];
}

/**
 * The service map as SVG, laid out left to right by call depth. With `highlight`, the trace's nodes and
 * calls stand out (the rest fades) and its origin node carries an ORIGIN badge.
 */
export function ServiceMap(props: { nodes: MapNode[]; edges: MapEdge[]; highlight: TraceOnMap | undefined }) {
  const { nodes, edges, highlight } = props;
  // Counts change every poll; the layout only when the set of nodes and calls does.
  const shape = JSON.stringify([nodes.map((n) => n.id), edges.map((e) => [e.source, e.target])]);
  const layout = useMemo(
    () =>
      layoutServiceMap(
        nodes.map((n) => n.id),
        edges,
      ),
    [shape],
  );
  // A wide map shrinks to fit the page, down to where its text stays legible; past that it scrolls.
  const [frame, frameWidth] = useElementWidth<HTMLElement>(Number.POSITIVE_INFINITY);
  const scale = Math.max(MIN_SCALE, Math.min(1, (frameWidth - 2) / layout.width));
  const boxes = new Map(layout.nodes.map((box) => [box.id, box]));
  const edgeData = new Map(edges.map((e) => [edgeKey(e.source, e.target), e]));
  const nodeData = new Map(nodes.map((n) => [n.id, n]));
  const routes = litLast(layout.edges, highlight).map((route) => {
    const key = edgeKey(route.source, route.target);
    const lit = highlight?.calls.has(key) ?? false;
    return { ...route, key, edge: edgeData.get(key)!, lit, dim: highlight !== undefined && !lit };
  });
  // The highlighted path's labels choose their places first.
  const byPriority = [...routes].sort((a, b) => Number(b.lit) - Number(a.lit));
  const places = placeLabels(
    byPriority,
    byPriority.map((r) => {
      const lines = labelLines(r.edge);
      return { width: Math.max(...lines.map(estimateLabelWidth)), lines: lines.length };
    }),
    layout.nodes,
  );
  const placeOf = new Map(byPriority.map((r, i) => [r.key, places[i]!]));
  return (
    <section
      ref={frame}
      class="service-map-scroll"
      aria-label={`Service map: ${formatCount(nodes.length, 'node')}, ${formatCount(edges.length, 'connection')}`}
    >
      <svg
        class="service-map"
        data-testid="service-map"
        width={Math.round(layout.width * scale)}
        height={Math.round(layout.height * scale)}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        <title>Services, databases and uninstrumented peers, and the calls between them</title>
        <ArrowMarkers />
        <g class="map-edges">
          {routes.map((route) => (
            <MapEdgeView
              key={route.key}
              edge={route.edge}
              route={route}
              highlighted={route.lit}
              dimmed={route.dim}
            />
          ))}
        </g>
        <g class="map-edge-labels">
          {routes.map((route) => (
            <MapEdgeLabel
              key={route.key}
              edge={route.edge}
              place={placeOf.get(route.key)!}
              highlighted={route.lit}
              dimmed={route.dim}
            />
          ))}
        </g>
        <g class="map-nodes">
          {layout.nodes.map((box) => {
            const lit = highlight?.nodes.has(box.id) ?? false;
            return (
              <MapNodeView
                key={box.id}
                node={nodeData.get(box.id) ?? { ...UNKNOWN_NODE, id: box.id }}
                box={boxes.get(box.id)!}
                highlighted={lit}
                dimmed={highlight !== undefined && !lit}
                origin={highlight?.originNode === box.id}
              />
            );
          })}
        </g>
      </svg>
    </section>
  );
}
