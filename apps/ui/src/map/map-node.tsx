import { formatCount } from '../format/count-format.js';
import { serviceStyle } from '../format/service-colour.js';
import { Link } from '../router/history.js';
import { tracesPath } from '../router/routes.js';
import type { MapNode } from './map-data.js';
import type { PlacedNode } from './map-layout.js';

/** What each kind of node is called in words, on the node and in the legend. */
export const NODE_KIND_LABELS: Record<MapNode['kind'], string> = {
  service: 'service',
  database: 'database',
  uninstrumented: 'uninstrumented (sends no spans)',
};

/** Characters of a name that fit a box at 13 px; the full name is in the tooltip. */
const NAME_CHARS = 25;
/** A database is drawn as a cylinder: the height of its top ellipse's half. */
const LID_RY = 7;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The outline of a node: a box for a service, a cylinder for a database, a dashed box for a peer. */
function NodeShape(props: { kind: MapNode['kind']; width: number; height: number }) {
  const { width: w, height: h } = props;
  if (props.kind === 'database') {
    const body = `M 0 ${LID_RY} V ${h - LID_RY} A ${w / 2} ${LID_RY} 0 0 0 ${w} ${h - LID_RY} V ${LID_RY}`;
    return (
      <>
        <path class="map-node-shape" d={`${body} A ${w / 2} ${LID_RY} 0 0 0 0 ${LID_RY} Z`} />
        <ellipse class="map-node-lid" cx={w / 2} cy={LID_RY} rx={w / 2} ry={LID_RY} />
      </>
    );
  }
  return (
    <>
      <rect class="map-node-shape" width={w} height={h} rx={props.kind === 'service' ? 8 : 2} />
      {props.kind === 'service' && (
        // The service's colour as a band inside the box's rounded left edge.
        <path class="map-node-stripe" d={`M 7 1 A 6 6 0 0 0 1 7 V ${h - 7} A 6 6 0 0 0 7 ${h - 1} Z`} />
      )}
    </>
  );
}

/**
 * One node of the map: its name, its kind in words, and the failures that originated in it or passed
 * through it. A service links to its failing traces.
 */
export function MapNodeView(props: {
  node: MapNode;
  box: PlacedNode;
  highlighted: boolean;
  dimmed: boolean;
  origin: boolean;
}) {
  const { node, box } = props;
  const classes = ['map-node', `kind-${node.kind}`];
  if (props.highlighted) classes.push('highlighted');
  if (props.origin) classes.push('origin');
  if (props.dimmed) classes.push('dimmed');
  if (node.originated > 0) classes.push('has-origin-failures');
  const top = node.kind === 'database' ? LID_RY * 2 : 0;
  const left = 16;
  const tooltip = [
    `${node.id} (${NODE_KIND_LABELS[node.kind]})`,
    `${formatCount(node.originated, 'failure')} originated here`,
    `${formatCount(node.passedThrough, 'failure')} passed through`,
    node.traceOnly ? 'Not seen in the last 24 hours: drawn from this trace only' : '',
  ]
    .filter(Boolean)
    .join('\n');
  const content = (
    <>
      <title>{tooltip}</title>
      <NodeShape kind={node.kind} width={box.width} height={box.height} />
      <text class="map-node-name" x={left} y={top + 20}>
        {truncate(node.id, NAME_CHARS)}
      </text>
      <text class="map-node-kind" x={left} y={top + 36}>
        {NODE_KIND_LABELS[node.kind]}
      </text>
      {node.originated > 0 && (
        <text class="map-node-originated" x={left} y={top + 55}>
          {`◉ ${formatCount(node.originated, 'failure')} originated here`}
        </text>
      )}
      {node.passedThrough > 0 && (
        <text class="map-node-passed" x={left} y={top + (node.originated > 0 ? 70 : 55)}>
          {`${formatCount(node.passedThrough, 'failure')} passed through`}
        </text>
      )}
      {node.originated === 0 && node.passedThrough === 0 && (
        <text class="map-node-quiet" x={left} y={top + 55}>
          {node.traceOnly ? 'only in this trace' : 'no failures'}
        </text>
      )}
      {props.origin && (
        <g class="map-origin-badge" transform={`translate(${box.width - 70} -10)`}>
          <rect width={62} height={20} rx={10} />
          <text x={31} y={14}>
            ORIGIN
          </text>
        </g>
      )}
    </>
  );
  return (
    <g
      class={classes.join(' ')}
      transform={`translate(${box.x} ${box.y})`}
      style={node.kind === 'service' ? serviceStyle(node.id) : undefined}
      data-testid="map-node"
      data-node-id={node.id}
      data-kind={node.kind}
      data-highlighted={props.highlighted ? 'true' : undefined}
      data-origin={props.origin ? 'true' : undefined}
    >
      {node.kind === 'service' ? (
        <Link
          href={tracesPath(
            node.originated + node.passedThrough > 0
              ? { service: node.id, errors: 'true' }
              : { service: node.id },
          )}
          aria-label={`${node.id}: open its traces`}
        >
          {content}
        </Link>
      ) : (
        content
      )}
    </g>
  );
}
