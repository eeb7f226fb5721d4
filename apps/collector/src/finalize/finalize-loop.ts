import type { Store } from '../store/store.js';
import type { DiagnosisRecord, RecordOutcome } from '../store/types.js';
import { Finalizer, type FinalizerOptions } from './finalizer.js';

/** How the background diagnosis runs. */
export interface FinalizeLoopOptions {
  store: Store;
  /** A trace is diagnosed once no span of it arrived for this long (it looks complete). */
  quietMs: number;
  /** Time between rounds. */
  intervalMs: number;
  /** Traces finalized per round at most. */
  batchSize: number;
  /**
   * Main-thread time one round may take (ms); the rest of the batch waits for the next round, so
   * finalizing a backlog never starves ingest and queries, while a steady load is kept up with.
   */
  roundBudgetMs?: number;
  /** Main-thread time one slice of a round (one store transaction) may take (ms); see Finalizer. */
  sliceMs?: number;
  /** Traces per slice at most (default 64). */
  maxPerSlice?: number;
  onError: (error: unknown) => void;
  /** Told of each failing trace diagnosed, with the trace as it was read (see FinalizerOptions). */
  onJudged?: FinalizerOptions['onJudged'];
  /** Told of every verdict recorded (alerts hang off this). */
  onRecorded?: (traceId: string, record: DiagnosisRecord | null, outcome: RecordOutcome) => Promise<void>;
}

/**
 * Finalizes traces once they are quiet, and again whenever a late span changes them: counts their
 * service-map edges and diagnoses the failing ones (the store tracks which traces changed since they
 * were last finalized, so a round never scans all traces).
 * Returns a function that stops the loop and waits for the round under way.
 */
export function startFinalizeLoop(options: FinalizeLoopOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const finalizer = new Finalizer({
    store: options.store,
    batchSize: options.batchSize,
    sliceMs: options.sliceMs ?? Number.POSITIVE_INFINITY,
    maxPerSlice: options.maxPerSlice ?? 64,
    onRecorded: options.onRecorded,
    onJudged: options.onJudged,
  });
  const round = async (): Promise<void> => {
    try {
      await finalizer.finalizePending(
        Date.now() - options.quietMs,
        options.roundBudgetMs ?? 100,
        () => stopped,
      );
    } catch (error) {
      options.onError(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = round().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
