import type { RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { scrollTopToReveal } from './virtual-window.js';
import type { WaterfallModel } from './waterfall-model.js';

/** Fixed row height: virtualisation places rows by index, so every row must be this tall (styles.css --row-h). */
export const ROW_HEIGHT_PX = 28;
const AXIS_HEIGHT_PX = 26;
/** Before the first layout (and in test DOMs without layout), assume this viewport. */
const FALLBACK_VIEWPORT_PX = 560;

/** A request to scroll a span into view; `seq` changes so the same span can be revealed twice. */
export interface RevealRequest {
  spanId: string;
  seq: number;
}

/** Where the waterfall's scroller stands, for the virtual window of rows to draw. */
export interface WaterfallScroll {
  scroller: RefObject<HTMLDivElement>;
  scrollTopPx: number;
  viewportPx: number;
  onScroll: (scrollTopPx: number) => void;
}

/**
 * The waterfall's scroll position and viewport height, measured as the scroller resizes, and each
 * reveal request carried out once by scrolling its span's row into view.
 */
export function useWaterfallScroll(
  model: WaterfallModel,
  rows: number[],
  reveal: RevealRequest | undefined,
): WaterfallScroll {
  const scroller = useRef<HTMLDivElement>(null);
  // Opened on a span (the origin, the URL's), the first render already holds the rows around it; the
  // reveal below then corrects for the measured viewport, which moves the window by a few rows.
  const [scrollTopPx, setScrollTop] = useState(() =>
    reveal ? (scrollTopToRow(model, rows, reveal.spanId, 0, FALLBACK_VIEWPORT_PX) ?? 0) : 0,
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
    if (!reveal || !element || reveal.seq === revealed.current) return;
    const heightPx = element.clientHeight > 0 ? element.clientHeight : viewportPx;
    const next = scrollTopToRow(model, rows, reveal.spanId, element.scrollTop, heightPx);
    // Not visible yet: its ancestors are being expanded; the next `rows` brings it.
    if (next === undefined) return;
    revealed.current = reveal.seq;
    if (next !== element.scrollTop) {
      element.scrollTop = next;
      // As the browser clamped it (the last row cannot scroll past the bottom), so the scroll event
      // that follows finds the state already right and renders nothing again.
      setScrollTop(element.scrollTop > 0 ? element.scrollTop : next);
    }
  }, [reveal?.seq, rows]);

  return { scroller, scrollTopPx, viewportPx, onScroll: setScrollTop };
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
