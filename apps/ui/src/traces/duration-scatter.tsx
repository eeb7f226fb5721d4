import type { TraceSummary } from '../api/search-api.js';
import { formatClockTime, formatDurationMs, unixNanoToMs } from '../format/time-format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { navigate } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import { ticksCovering } from '../trace/time-ticks.js';

const HEIGHT = 170;
const PAD = { left: 64, right: 24, top: 14, bottom: 24 };

/** True when a trace's entry request failed (5xx, or errors without an HTTP status). */
function failed(trace: TraceSummary): boolean {
  return trace.httpStatusCode !== null ? trace.httpStatusCode >= 500 : trace.errorCount > 0;
}

/** Duration over start time, one dot per trace (red when it failed); clicking a dot opens the trace. */
export function DurationScatter(props: { traces: TraceSummary[] }) {
  const [ref, width] = useElementWidth<HTMLDivElement>(900);
  if (props.traces.length === 0) return null;
  const times = props.traces.map((t) => unixNanoToMs(t.startTimeUnixNano));
  const minT = Math.min(...times);
  const maxT = Math.max(...times);
  const durationTicks = ticksCovering(Math.max(1, ...props.traces.map((t) => t.durationMs)), 3);
  const maxD = durationTicks[durationTicks.length - 1]!;
  const plotW = Math.max(100, width - PAD.left - PAD.right);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (ms: number) => PAD.left + (maxT === minT ? plotW / 2 : ((ms - minT) / (maxT - minT)) * plotW);
  const y = (d: number) => PAD.top + plotH - (Math.min(d, maxD) / maxD) * plotH;
  return (
    <div class="scatter" ref={ref}>
      <svg width={width} height={HEIGHT} role="img" aria-label="Trace durations over time">
        {durationTicks.map((d) => (
          <g key={d}>
            <line
              class={d === 0 ? 'axis' : 'gridline'}
              x1={PAD.left}
              x2={PAD.left + plotW}
              y1={y(d)}
              y2={y(d)}
            />
            <text class="axis-label" x={PAD.left - 8} y={y(d) + 4} text-anchor="end">
              {formatDurationMs(d)}
            </text>
          </g>
        ))}
        <text class="axis-label" x={PAD.left} y={HEIGHT - 6}>
          {formatClockTime(BigInt(minT) * 1_000_000n)}
        </text>
        {maxT !== minT && (
          <text class="axis-label" x={PAD.left + plotW} y={HEIGHT - 6} text-anchor="end">
            {formatClockTime(BigInt(maxT) * 1_000_000n)}
          </text>
        )}
        {props.traces.map((t, i) => {
          const href = tracePath(t.traceId);
          return (
            <a
              key={t.traceId}
              href={href}
              data-testid="scatter-dot"
              onClick={(event) => {
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                event.preventDefault();
                navigate(href);
              }}
            >
              <title>{`${t.rootService}: ${t.rootName} · ${formatDurationMs(t.durationMs)} · ${formatClockTime(t.startTimeUnixNano)}`}</title>
              <circle class={failed(t) ? 'dot failed' : 'dot'} cx={x(times[i]!)} cy={y(t.durationMs)} r={5} />
            </a>
          );
        })}
      </svg>
    </div>
  );
}
