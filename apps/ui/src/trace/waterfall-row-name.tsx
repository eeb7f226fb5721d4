import type { JSX } from 'preact';
import { serviceStyle } from '../format/service-colour.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import type { SpanRole } from './span-roles.js';
import type { WaterfallNode } from './waterfall-model.js';

/** Indentation stops growing past this depth so deep chains keep their names readable. */
const MAX_INDENT_LEVELS = 20;
const INDENT_PX = 14;

/**
 * A waterfall row's tree side: indentation, the collapse toggle, service and name, and the marks that
 * say what the span did in the failure (failed, origin, propagated, continued in another trace).
 */
export function WaterfallRowName(props: {
  node: WaterfallNode;
  error: boolean;
  role: SpanRole | undefined;
  onCriticalPath: boolean;
  collapsed: boolean;
  continuedInTraceId: string | undefined;
  onToggle: (spanId: string) => void;
}) {
  const { node } = props;
  const { span } = node;
  const toggle = (event: JSX.TargetedMouseEvent<HTMLButtonElement>) => {
    event.stopPropagation();
    props.onToggle(span.spanId);
  };
  return (
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
      {props.onCriticalPath && (
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
  );
}
