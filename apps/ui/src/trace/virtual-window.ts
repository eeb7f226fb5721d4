/** The slice of rows to render: `[first, last)` plus how far down the first one sits. */
export interface RowWindow {
  first: number;
  last: number;
  offsetPx: number;
}

/**
 * The rows visible in a scrolled viewport of fixed-height rows, widened by `overscan` rows either side
 * so a fast scroll does not show blank space before the next render.
 *
 * ```
 *  row 0 ┐
 *  row 1 ┘ overscan (rendered, above the fold)
 * ┌row 2─┐ <- scrollTop
 * │row 3 │ viewport
 * └row 4─┘ <- scrollTop + viewportPx
 *  row 5   overscan (rendered)
 *  row 6   not rendered
 * ```
 */
export function visibleRowWindow(
  rowCount: number,
  rowHeightPx: number,
  scrollTopPx: number,
  viewportPx: number,
  overscan: number,
): RowWindow {
  const firstVisible = Math.floor(Math.max(0, scrollTopPx) / rowHeightPx);
  const lastVisible = Math.ceil((Math.max(0, scrollTopPx) + viewportPx) / rowHeightPx);
  const first = Math.max(0, Math.min(rowCount, firstVisible - overscan));
  const last = Math.max(first, Math.min(rowCount, lastVisible + overscan));
  return { first, last, offsetPx: first * rowHeightPx };
}

/** The scrollTop that brings row `index` into view with the least movement (unchanged when visible). */
export function scrollTopToReveal(
  index: number,
  rowHeightPx: number,
  scrollTopPx: number,
  viewportPx: number,
): number {
  const top = index * rowHeightPx;
  const bottom = top + rowHeightPx;
  if (top < scrollTopPx) return Math.max(0, top - rowHeightPx);
  if (bottom > scrollTopPx + viewportPx) return bottom - viewportPx + rowHeightPx;
  return scrollTopPx;
}
