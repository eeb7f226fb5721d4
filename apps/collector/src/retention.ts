import type { Store } from './store/store.js';

/** How retention runs. */
export interface RetentionOptions {
  store: Store;
  /** Time between pruning rounds. */
  intervalMs: number;
  /** Traces deleted per step; small, so no step holds the writer for long. */
  tracesPerStep: number;
  onError: (error: unknown) => void;
}

/**
 * Prunes the oldest traces whole, in small steps: each step is one short transaction, and the next
 * step waits for the event loop (setImmediate), so ingest batches interleave and never stall.
 * Returns a function that stops it.
 */
export function startRetention(options: RetentionOptions): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    try {
      for (let step = 0; step < 1000 && !stopped; step++) {
        const result = await options.store.prune(BigInt(Date.now()) * 1_000_000n, options.tracesPerStep);
        if (result.tracesDeleted < options.tracesPerStep) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      options.onError(error);
    }
    if (!stopped) timer = setTimeout(round, options.intervalMs).unref();
  };
  timer = setTimeout(round, Math.min(options.intervalMs, 5_000)).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
