import { formatDurationMs } from '../format/time-format.js';

/**
 * The waterfall's sticky header: the span count and duration, the critical path's legend when it is
 * shown, and the time ticks (`ticksMs`, placed at `scale` percent per ms).
 */
export function WaterfallAxis(props: {
  spanCount: number;
  traceDurationMs: number;
  ticksMs: number[];
  scale: number;
  showsCritical: boolean;
}) {
  const { ticksMs, scale } = props;
  return (
    <div class="waterfall-axis" style={{ position: 'sticky', top: 0, zIndex: 2 }}>
      <div class="axis-title">
        {props.spanCount} spans · {formatDurationMs(props.traceDurationMs)}
        {props.showsCritical && <span class="critical-legend"> · ◆ critical path</span>}
      </div>
      <div class="axis-ticks" aria-hidden="true">
        {ticksMs.map((t, i) => (
          <span
            key={t}
            class={i === ticksMs.length - 1 && t * scale > 92 ? 'axis-tick last' : 'axis-tick'}
            style={{ left: `${t * scale}%` }}
          >
            {formatDurationMs(t)}
          </span>
        ))}
      </div>
    </div>
  );
}
