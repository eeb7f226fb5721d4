import { diagnoseTrace } from '@faultline/diagnosis';
import type { DiagnosisRecord, RecordOutcome } from '../store/failure-store.js';
import type { FinalizeItem, Store } from '../store/store.js';
import { toDiagnosisRecord } from './diagnosis-record.js';

/** Traces finalized per transaction. */
const FINALIZE_CHUNK = 256;

/** How the background diagnosis runs. */
export interface DiagnosisLoopOptions {
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
  onError: (error: unknown) => void;
  /** Told of every verdict recorded (alerts hang off this). */
  onRecorded?: (traceId: string, record: DiagnosisRecord | null, outcome: RecordOutcome) => Promise<void>;
}

/**
 * Finalizes traces once they are quiet, and again whenever a late span changes them: counts their
 * service-map edges and diagnoses the failing ones (the store tracks which traces changed since they
 * were last finalized, so a round never scans all traces).
 * Returns a function that stops the loop and waits for the round under way.
 */
export function startDiagnosisLoop(options: DiagnosisLoopOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const round = async (): Promise<void> => {
    try {
      const pending = await options.store.pendingTraces(Date.now() - options.quietMs, options.batchSize);
      const deadline = performance.now() + (options.roundBudgetMs ?? 100);
      // Finalized in chunks, each one transaction: few commits, and the budget is checked between them.
      for (let from = 0; from < pending.length; from += FINALIZE_CHUNK) {
        if (stopped || performance.now() > deadline) return;
        const items: FinalizeItem[] = [];
        for (const { traceId, stamp, hasErrors } of pending.slice(from, from + FINALIZE_CHUNK)) {
          // Only a trace with an error span can have failed at its entry; the rest just get their
          // service-map edges counted, without loading their spans here.
          const trace = hasErrors ? await options.store.getTrace(traceId) : null;
          const diagnosis = trace ? diagnoseTrace(trace.spans, trace.logs) : null;
          const record = diagnosis === null || !trace ? null : toDiagnosisRecord(diagnosis, trace.spans);
          items.push({ traceId, stamp, record });
          if (performance.now() > deadline) break;
        }
        const outcomes = await options.store.finalizeTraces(items);
        for (let i = 0; i < items.length; i++) {
          await options.onRecorded?.(items[i]!.traceId, items[i]!.record, outcomes[i]!);
        }
      }
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
