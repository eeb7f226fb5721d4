import type { CriticalSegment } from './critical-path.js';
import type { SpanRole } from './span-roles.js';
import type { WaterfallNode } from './waterfall-model.js';
import { WaterfallRowName } from './waterfall-row-name.js';
import { WaterfallRowTimeline } from './waterfall-row-timeline.js';

/** What one row needs to draw itself. */
export interface WaterfallRowProps {
  node: WaterfallNode;
  traceDurationMs: number;
  error: boolean;
  role: SpanRole | undefined;
  onPath: boolean;
  selected: boolean;
  collapsed: boolean;
  match: boolean;
  /** This span's stretches of the critical path when it is on it (maybe none: its children were). */
  critical: CriticalSegment[] | undefined;
  /** The callee's trace this span's call continues in, when the verdict was stitched across traces. */
  continuedInTraceId?: string | undefined;
  traceStartUnixNano: bigint;
  top: number;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}

/** One span of the waterfall: tree indentation, service, name, failure marks and its bar on the time axis. */
export function WaterfallRow(props: WaterfallRowProps) {
  const { node } = props;
  const { span } = node;
  const classes = ['waterfall-row'];
  if (props.onPath) classes.push('on-path');
  if (props.role === 'origin') classes.push('origin');
  if (props.selected) classes.push('selected');
  if (props.match) classes.push('match');
  if (props.critical) classes.push('critical');
  return (
    // A tree item outside the tab order (tabIndex -1): the tree is one tab stop and j/k move within it,
    // since 10,000 tab stops would trap a keyboard user.
    <div
      class={classes.join(' ')}
      style={{ transform: `translateY(${props.top}px)`, position: 'absolute', left: 0, right: 0 }}
      role="treeitem"
      id={`span-row-${span.spanId}`}
      tabIndex={-1}
      aria-level={node.depth + 1}
      aria-expanded={node.childCount > 0 ? !props.collapsed : undefined}
      aria-selected={props.selected}
      data-span-id={span.spanId}
      data-testid={props.role === 'origin' ? 'origin-span' : 'span-row'}
      data-on-path={props.onPath ? 'true' : undefined}
      data-critical={props.critical ? 'true' : undefined}
      onClick={() => props.onSelect(span.spanId)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onSelect(span.spanId);
        }
      }}
    >
      <WaterfallRowName
        node={node}
        error={props.error}
        role={props.role}
        onCriticalPath={props.critical !== undefined}
        collapsed={props.collapsed}
        continuedInTraceId={props.continuedInTraceId}
        onToggle={props.onToggle}
      />
      <WaterfallRowTimeline
        node={node}
        traceDurationMs={props.traceDurationMs}
        error={props.error}
        critical={props.critical}
        traceStartUnixNano={props.traceStartUnixNano}
      />
    </div>
  );
}
