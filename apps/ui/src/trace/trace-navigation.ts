import type { WaterfallModel } from './waterfall-model.js';

/**
 * The next failing span after `fromIndex` in display order, wrapping to the top; -1 when none failed.
 * Hidden (collapsed) spans count: the caller expands their ancestors to show them.
 */
export function nextErrorIndex(errors: readonly boolean[], fromIndex: number): number {
  const count = errors.length;
  for (let step = 1; step <= count; step++) {
    const index = (((fromIndex + step) % count) + count) % count;
    if (errors[index]) return index;
  }
  return -1;
}

/** The row `delta` rows away from the selected span among visible rows (clamped); the first row if none is selected. */
export function stepRow(
  model: WaterfallModel,
  rows: readonly number[],
  selectedSpanId: string | undefined,
  delta: number,
): number | undefined {
  if (rows.length === 0) return undefined;
  const current = selectedSpanId === undefined ? undefined : model.indexBySpanId.get(selectedSpanId);
  const position = current === undefined ? -1 : rows.indexOf(current);
  if (position < 0) return rows[0];
  return rows[Math.max(0, Math.min(rows.length - 1, position + delta))];
}

/** Spans whose name or service contains `query` (case-insensitive); empty for an empty query. */
export function matchingSpanIds(model: WaterfallModel, query: string): Set<string> {
  const needle = query.trim().toLowerCase();
  const matches = new Set<string>();
  if (needle === '') return matches;
  for (const node of model.nodes) {
    if (node.span.name.toLowerCase().includes(needle) || node.span.service.toLowerCase().includes(needle)) {
      matches.add(node.span.spanId);
    }
  }
  return matches;
}
