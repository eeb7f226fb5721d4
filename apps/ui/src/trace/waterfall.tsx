import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDurationMs } from '../format/time-format.js';
import type { CriticalSegment } from './critical-path.js';
import type { FailureMarks } from './span-roles.js';
import { timeTicks } from './time-ticks.js';
import { scrollTopToReveal, visibleRowWindow } from './virtual-window.js';
import type { WaterfallModel } from './waterfall-model.js';
import { WaterfallRow } from './waterfall-row.js';

/** Fixed row height: virtualisation places rows by index, so every row must be this tall (styles.css --row-h). */
export const ROW_HEIGHT_PX = 28;
const AXIS_HEIGHT_PX = 26;
const OVERSCAN_ROWS = 12;
/** Before the first layout (and in test DOMs without layout), assume this viewport. */
const FALLBACK_VIEWPORT_PX = 560;

/** A request to scroll a span into view; `seq` changes so the same span can be revealed twice. */
export interface RevealRequest {
  spanId: string;
  seq: number;
}

/**
 * The trace as a waterfall: a collapsible span tree beside a time axis. Only the rows in view (plus
 * an overscan) are in the DOM, so a 10,000-span trace renders as fast as a 40-span one.
 */
export function Waterfall(props: {
  model: WaterfallModel;
  rows: number[];
  errors: boolean[];
  marks: FailureMarks;
  selectedSpanId: string | undefined;
  collapsed: ReadonlySet<string>;
  matches: ReadonlySet<string>;
  /** The critical path's segments by span, when it is shown. */
  critical: ReadonlyMap<string, CriticalSegment[]> | undefined;
  reveal: RevealRequest | undefined;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}) {
  const { model, rows } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // Opened on a span (the origin, the URL's), the first render already holds the rows around it; the
  // reveal below then corrects for the measured viewport, which moves the window by a few rows.
  const [scrollTop, setScrollTop] = useState(() =>
    props.reveal ? (scrollTopToRow(model, rows, props.reveal.spanId, 0, FALLBACK_VIEWPORT_PX) ?? 0) : 0,
  );
  const [viewportPx, setViewportPx] = useState(FALLBACK_VIEWPORT_PX);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return undefined;
    const measure = () =>
      setViewportPx(element.clientHeight > 0 ? element.clientHeight : FALLBACK_VIEWPORT_PX);
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Each reveal request scrolls once: collapsing rows later must not yank the view back to it. A layout
  // effect, so the page opens already scrolled to the origin: the rows at the top are never painted
  // and then replaced (with the viewport measured above, both changes make one render).
  const revealed = useRef(-1);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!props.reveal || !element || props.reveal.seq === revealed.current) return;
    const heightPx = element.clientHeight > 0 ? element.clientHeight : viewportPx;
    const next = scrollTopToRow(model, rows, props.reveal.spanId, element.scrollTop, heightPx);
    // Not visible yet: its ancestors are being expanded; the next `rows` brings it.
    if (next === undefined) return;
    revealed.current = props.reveal.seq;
    if (next !== element.scrollTop) {
      element.scrollTop = next;
      // As the browser clamped it (the last row cannot scroll past the bottom), so the scroll event
      // that follows finds the state already right and renders nothing again.
      setScrollTop(element.scrollTop > 0 ? element.scrollTop : next);
    }
  }, [props.reveal?.seq, rows]);

  const slice = visibleRowWindow(rows.length, ROW_HEIGHT_PX, scrollTop, viewportPx, OVERSCAN_ROWS);
  const ticks = timeTicks(model.traceDurationMs, 6);
  const scale = model.traceDurationMs > 0 ? 100 / model.traceDurationMs : 0;
  const rendered = [];
  for (let r = slice.first; r < slice.last; r++) {
    const index = rows[r]!;
    const node = model.nodes[index]!;
    const spanId = node.span.spanId;
    rendered.push(
      <WaterfallRow
        key={spanId}
        node={node}
        traceDurationMs={model.traceDurationMs}
        error={props.errors[index] ?? false}
        role={props.marks.roles.get(spanId)}
        onPath={props.marks.path.has(spanId)}
        selected={spanId === props.selectedSpanId}
        collapsed={props.collapsed.has(spanId)}
        match={props.matches.has(spanId)}
        critical={props.critical?.get(spanId)}
        continuedInTraceId={
          props.marks.continuedIn?.fromSpanId === spanId ? props.marks.continuedIn.traceId : undefined
        }
        traceStartUnixNano={model.traceStartUnixNano}
        top={r * ROW_HEIGHT_PX}
        onSelect={props.onSelect}
        onToggle={props.onToggle}
      />,
    );
  }

  return (
    <div class="waterfall" data-testid="waterfall">
      <div
        class="waterfall-scroll"
        ref={scroller}
        role="tree"
        aria-label="Spans"
        tabIndex={0}
        aria-activedescendant={props.selectedSpanId ? `span-row-${props.selectedSpanId}` : undefined}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div class="waterfall-axis" style={{ position: 'sticky', top: 0, zIndex: 2 }}>
          <div class="axis-title">
            {model.nodes.length} spans · {formatDurationMs(model.traceDurationMs)}
            {props.critical && <span class="critical-legend"> · ◆ critical path</span>}
          </div>
          <div class="axis-ticks" aria-hidden="true">
            {ticks.map((t, i) => (
              <span
                key={t}
                class={i === ticks.length - 1 && t * scale > 92 ? 'axis-tick last' : 'axis-tick'}
                style={{ left: `${t * scale}%` }}
              >
                {formatDurationMs(t)}
              </span>
            ))}
          </div>
        </div>
        {/* Every row's timeline draws the tick gridlines as its background, one tick step per tile. */}
        <div
          style={{
            position: 'relative',
            height: `${rows.length * ROW_HEIGHT_PX}px`,
            '--tick-step': `${ticks.length > 1 ? (ticks[1]! - ticks[0]!) * scale : 100}%`,
          }}
        >
          <div class="waterfall-rows">{rendered}</div>
        </div>
      </div>
    </div>
  );
}

/** The scrollTop that shows `spanId`'s row in a scroller `heightPx` tall; undefined while it is hidden. */
function scrollTopToRow(
  model: WaterfallModel,
  rows: readonly number[],
  spanId: string,
  scrollTopPx: number,
  heightPx: number,
): number | undefined {
  const index = model.indexBySpanId.get(spanId);
  const rowIndex = index === undefined ? -1 : rows.indexOf(index);
  if (rowIndex < 0) return undefined;
  const bodyPx = Math.max(ROW_HEIGHT_PX, heightPx - AXIS_HEIGHT_PX);
  return scrollTopToReveal(rowIndex, ROW_HEIGHT_PX, scrollTopPx, bodyPx);
}
