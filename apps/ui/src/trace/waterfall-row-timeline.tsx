import { serviceStyle } from '../format/service-colour.js';
import { formatDurationMs } from '../format/time-format.js';
import type { CriticalSegment } from './critical-path.js';
import type { WaterfallNode } from './waterfall-model.js';

/**
 * A waterfall row's time side: the span's bar on the trace's axis, its stretches of the critical path,
 * and its duration beside the bar (inside it when the bar spans the axis).
 */
export function WaterfallRowTimeline(props: {
  node: WaterfallNode;
  traceDurationMs: number;
  error: boolean;
  critical: CriticalSegment[] | undefined;
  traceStartUnixNano: bigint;
}) {
  const { node, traceDurationMs } = props;
  const { span } = node;
  const scale = traceDurationMs > 0 ? 100 / traceDurationMs : 0;
  const left = Math.min(100, node.offsetMs * scale);
  const width = Math.max(0, Math.min(100 - left, node.durationMs * scale));
  // The duration label goes after the bar, else before it, else (a bar spanning the axis) inside it.
  const labelPlace = left + width <= 84 ? 'after' : left >= 16 ? 'before' : 'inside';
  return (
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
  );
}
