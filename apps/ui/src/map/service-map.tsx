import { useMemo } from 'preact/hooks';
import { formatCount } from '../format/count-format.js';
import type { MapEdge, MapNode } from './map-data.js';
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

function edgeLabel(edge: MapEdge): string {
  const counts =
    edge.errors > 0
      ? `${formatCount(edge.calls, 'call')} · ${formatCount(edge.errors, 'error')}`
      : formatCount(edge.calls, 'call');
  return edge.traceOnly ? `this trace: ${counts}` : counts;
}

function MapEdgeView(props: { edge: MapEdge; route: RoutedEdge; highlighted: boolean; dimmed: boolean }) {
  const { edge, route } = props;
  const tone = props.highlighted ? 'lit' : edge.errors > 0 ? 'errors' : 'plain';
  const classes = ['map-edge', tone, route.kind];
  if (props.dimmed) classes.push('dimmed');
  // Wider for busier edges, within reason: 1.5 px for one call, about 4 px for thousands.
  const width = 1.5 + Math.min(2.5, Math.log10(edge.calls + 1) * 0.8);
  return (
    <g
      class={classes.join(' ')}
      data-testid="map-edge"
      data-source={edge.source}
      data-target={edge.target}
      data-highlighted={props.highlighted ? 'true' : undefined}
    >
      <title>{`${edge.source} → ${edge.target}: ${edgeLabel(edge)}`}</title>
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
function MapEdgeLabel(props: { edge: MapEdge; route: RoutedEdge; highlighted: boolean; dimmed: boolean }) {
  const { edge, route } = props;
  const classes = ['map-edge-label', props.highlighted ? 'lit' : edge.errors > 0 ? 'errors' : 'plain'];
  if (props.dimmed) classes.push('dimmed');
  return (
    <text
      class={classes.join(' ')}
      data-testid="map-edge-label"
      data-source={edge.source}
      data-target={edge.target}
      x={route.label.x}
      y={route.label.y}
      text-anchor={route.labelAnchor}
      dominant-baseline="central"
    >
      {edgeLabel(edge)}
    </text>
  );
}

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
  const boxes = new Map(layout.nodes.map((box) => [box.id, box]));
  const edgeData = new Map(edges.map((e) => [edgeKey(e.source, e.target), e]));
  const nodeData = new Map(nodes.map((n) => [n.id, n]));
  const routes = litLast(layout.edges, highlight).map((route) => {
    const key = edgeKey(route.source, route.target);
    const lit = highlight?.calls.has(key) ?? false;
    return { ...route, key, edge: edgeData.get(key)!, lit, dim: highlight !== undefined && !lit };
  });
  return (
    <section
      class="service-map-scroll"
      aria-label={`Service map: ${formatCount(nodes.length, 'node')}, ${formatCount(edges.length, 'connection')}`}
    >
      <svg
        class="service-map"
        data-testid="service-map"
        width={layout.width}
        height={layout.height}
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
              route={route}
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
