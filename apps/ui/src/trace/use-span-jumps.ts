import { nextErrorIndex, stepRow } from './trace-navigation.js';
import type { SpanSelection } from './use-span-selection.js';
import { useTraceKeys } from './use-trace-keys.js';
import type { WaterfallModel } from './waterfall-model.js';

/** The jumps the verdict's buttons and the find box start; the keys start them too. */
export interface SpanJumps {
  nextError: () => void;
  origin: () => void;
  nextMatch: () => void;
}

/**
 * Moves the selection through the trace: row by row, to the next failing span, to the origin, to the
 * next span the find box matches. Wires the trace page's keys (use-trace-keys.ts) to them.
 */
export function useSpanJumps(args: {
  model: WaterfallModel;
  rows: number[];
  errors: boolean[];
  originSpanId: string | undefined;
  matches: ReadonlySet<string>;
  selection: SpanSelection;
  /** Brings the waterfall tab forward: a jump to a span must land where the span is drawn. */
  showWaterfall: () => void;
  toggleCriticalPath: () => void;
}): SpanJumps {
  const { model, rows, errors, originSpanId, matches, selection } = args;
  const { select, current } = selection;
  const selectIndex = (index: number) => select(model.nodes[index]!.span.spanId);

  const nextError = () => {
    const index = nextErrorIndex(errors, current);
    if (index >= 0) {
      args.showWaterfall();
      selectIndex(index);
    }
  };
  const origin = () => {
    if (!originSpanId) return;
    args.showWaterfall();
    select(originSpanId);
  };
  const step = (delta: number) => {
    const index = stepRow(model, rows, selection.selectedSpanId, delta);
    if (index !== undefined) selectIndex(index);
  };
  const nextMatch = () => {
    const ordered = rows.filter((i) => matches.has(model.nodes[i]!.span.spanId));
    const all =
      ordered.length > 0
        ? ordered
        : [...matches].map((id) => model.indexBySpanId.get(id)!).sort((a, b) => a - b);
    const after = all.find((i) => i > current) ?? all[0];
    if (after !== undefined) selectIndex(after);
  };

  useTraceKeys({
    next: () => step(1),
    previous: () => step(-1),
    nextError,
    origin,
    close: () => select(undefined, false),
    criticalPath: () => {
      args.showWaterfall();
      args.toggleCriticalPath();
    },
  });
  return { nextError, origin, nextMatch };
}
