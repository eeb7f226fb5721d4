import type { CriticalSegment } from './critical-path.js';
import type { FailureMarks } from './span-roles.js';
import { timeTicks } from './time-ticks.js';
import { type RevealRequest, ROW_HEIGHT_PX, useWaterfallScroll } from './use-waterfall-scroll.js';
import { visibleRowWindow } from './virtual-window.js';
import { WaterfallAxis } from './waterfall-axis.js';
import type { WaterfallModel } from './waterfall-model.js';
import { WaterfallRow } from './waterfall-row.js';

const OVERSCAN_ROWS = 12;

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
  const scroll = useWaterfallScroll(model, rows, props.reveal);
  const slice = visibleRowWindow(
    rows.length,
    ROW_HEIGHT_PX,
    scroll.scrollTopPx,
    scroll.viewportPx,
    OVERSCAN_ROWS,
  );
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
        ref={scroll.scroller}
        role="tree"
        aria-label="Spans"
        tabIndex={0}
        aria-activedescendant={props.selectedSpanId ? `span-row-${props.selectedSpanId}` : undefined}
        onScroll={(event) => scroll.onScroll(event.currentTarget.scrollTop)}
      >
        <WaterfallAxis
          spanCount={model.nodes.length}
          traceDurationMs={model.traceDurationMs}
          ticksMs={ticks}
          scale={scale}
          showsCritical={props.critical !== undefined}
        />
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
