import { useEffect, useRef, useState } from 'preact/hooks';
import { navigate } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import type { RevealRequest } from './use-waterfall-scroll.js';
import { ancestorSpanIds, type WaterfallModel } from './waterfall-model.js';

/** The selected span, the collapsed subtrees and the pending scroll, and the ways to change them. */
export interface SpanSelection {
  selectedSpanId: string | undefined;
  /** The selected span's waterfall index; -1 when none is selected. */
  current: number;
  collapsed: ReadonlySet<string>;
  reveal: RevealRequest | undefined;
  /** Selects a span (none: `undefined`), expanding what hides it; `scroll` brings its row into view. */
  select: (spanId: string | undefined, scroll?: boolean) => void;
  /** Collapses a span's subtree, or expands it again. */
  toggle: (spanId: string) => void;
}

/**
 * The waterfall's selection, kept in the URL (`?span=`): opens on `urlSpanId` or else `fallbackSpanId`,
 * and follows the URL when something else moves it (a span link, the back button).
 */
export function useSpanSelection(
  traceId: string,
  model: WaterfallModel,
  urlSpanId: string | undefined,
  fallbackSpanId: string | undefined,
): SpanSelection {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selectedSpanId, setSelected] = useState<string | undefined>(urlSpanId ?? fallbackSpanId);
  const [reveal, setReveal] = useState<RevealRequest | undefined>(
    selectedSpanId ? { spanId: selectedSpanId, seq: 0 } : undefined,
  );

  const select = (spanId: string | undefined, scroll = true) => {
    setSelected(spanId);
    // Through the router, not history.replaceState alone: `urlSpanId` must follow every selection, or a
    // link to the span the URL named before a click would not change it and would select nothing.
    navigate(tracePath(traceId, spanId), true);
    if (!spanId) return;
    const index = model.indexBySpanId.get(spanId);
    if (index === undefined) return;
    const hiddenBy = ancestorSpanIds(model, index).filter((id) => collapsed.has(id));
    if (hiddenBy.length > 0) {
      setCollapsed((set) => new Set([...set].filter((id) => !hiddenBy.includes(id))));
    }
    if (scroll) setReveal((r) => ({ spanId, seq: (r?.seq ?? 0) + 1 }));
  };

  // The effect runs when the URL's span changes; the ref hands it this render's state, not the state
  // of the render that installed it.
  const latest = useRef({ select, selectedSpanId });
  latest.current = { select, selectedSpanId };
  useEffect(() => {
    if (urlSpanId && urlSpanId !== latest.current.selectedSpanId) latest.current.select(urlSpanId);
  }, [urlSpanId]);

  const toggle = (spanId: string) =>
    setCollapsed((set) => {
      const next = new Set(set);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  const current = selectedSpanId === undefined ? -1 : (model.indexBySpanId.get(selectedSpanId) ?? -1);
  return { selectedSpanId, current, collapsed, reveal, select, toggle };
}
