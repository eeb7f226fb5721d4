import type { JSX } from 'preact';
import { serviceStyle } from '../format/service-colour.js';
import { formatDurationMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import type { CriticalSegment } from './critical-path.js';
import type { SpanRole } from './span-roles.js';
import type { WaterfallNode } from './waterfall-model.js';

/** Indentation stops growing past this depth so deep chains keep their names readable. */
const MAX_INDENT_LEVELS = 20;
const INDENT_PX = 14;

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
  const { node, traceDurationMs } = props;
  const { span } = node;
  const scale = traceDurationMs > 0 ? 100 / traceDurationMs : 0;
  const left = Math.min(100, node.offsetMs * scale);
  const width = Math.max(0, Math.min(100 - left, node.durationMs * scale));
  // The duration label goes after the bar, else before it, else (a bar spanning the axis) inside it.
  const labelPlace = left + width <= 84 ? 'after' : left >= 16 ? 'before' : 'inside';
  const classes = ['waterfall-row'];
  if (props.onPath) classes.push('on-path');
  if (props.role === 'origin') classes.push('origin');
  if (props.selected) classes.push('selected');
  if (props.match) classes.push('match');
  if (props.critical) classes.push('critical');
  const toggle = (event: JSX.TargetedMouseEvent<HTMLButtonElement>) => {
    event.stopPropagation();
    props.onToggle(span.spanId);
  };
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
      <div class="row-name">
        <span
          class="row-indent"
          style={{ width: `${Math.min(node.depth, MAX_INDENT_LEVELS) * INDENT_PX}px` }}
        />
        {node.childCount > 0 ? (
          <button
            type="button"
            class="row-toggle"
            aria-expanded={!props.collapsed}
            aria-label={props.collapsed ? `Expand ${node.childCount} children` : 'Collapse children'}
            onClick={toggle}
          >
            {props.collapsed ? '▶' : '▼'}
          </button>
        ) : (
          <span class="row-toggle-spacer" />
        )}
        {props.critical && (
          <span class="critical-mark" title="On the critical path: the request waited on this span">
            ◆
          </span>
        )}
        <span class="service-chip small row-service" style={serviceStyle(span.service)}>
          {span.service}
        </span>
        {props.error && (
          <span class="row-error-icon" title="This span failed">
            !
          </span>
        )}
        <span class="row-label" title={span.name}>
          {span.name}
        </span>
        {props.role === 'origin' && (
          <span class="role-badge origin" title="The failure originated here">
            ◉ origin
          </span>
        )}
        {props.role === 'propagated' && (
          <span class="role-badge propagated" title="Failed because a span below it failed">
            propagated
          </span>
        )}
        {props.continuedInTraceId && (
          <Link
            href={tracePath(props.continuedInTraceId)}
            class="role-badge continued"
            data-testid="continued-in-trace"
            title="This call's trace context was lost on the way (a proxy dropped it); the callee's own trace was matched by method, path, peer and time"
            onClick={(event) => event.stopPropagation()}
          >
            continued in trace {props.continuedInTraceId.slice(0, 8)}… →
          </Link>
        )}
        {props.collapsed && <span class="row-count">+{node.descendantCount} hidden</span>}
      </div>
      <div class="row-timeline" style={serviceStyle(span.service)}>
        <span
          class={props.error ? 'row-bar error' : 'row-bar'}
          style={{ left: `${left}%`, width: `${width}%` }}
          title={`${formatDurationMs(node.durationMs)} at +${formatDurationMs(node.offsetMs)}`}
        />
        {props.critical?.map((segment) => {
          const startMs = Number(segment.startNs - props.traceStartUnixNano) / 1e6;
          const lengthMs = Number(segment.endNs - segment.startNs) / 1e6;
          return (
            <span
              key={String(segment.startNs)}
              class="row-critical"
              style={{ left: `${startMs * scale}%`, width: `${lengthMs * scale}%` }}
            />
          );
        })}
        <span
          class={`row-duration ${labelPlace}`}
          style={
            labelPlace === 'after'
              ? { left: `calc(${left + width}% + 4px)` }
              : labelPlace === 'before'
                ? { right: `calc(${100 - left}% + 4px)` }
                : { right: `calc(${100 - left - width}% + 6px)` }
          }
        >
          {formatDurationMs(node.durationMs)}
        </span>
      </div>
    </div>
  );
}
