import { diagnoseTrace } from '@faultline/diagnosis';
import type { DiagnosisRecord, RecordOutcome } from '../store/failure-store.js';
import type { FinalizeItem, KeptVerdict, Store } from '../store/store.js';
import { toDiagnosisRecord } from './diagnosis-record.js';

/** Traces finalized per transaction: about 10 ms of work, the longest a query waits behind it. */
const FINALIZE_CHUNK = 64;

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
      // The budget counts this loop's own work, not the time it yields to others.
      let budgetMs = options.roundBudgetMs ?? 100;
      // Finalized in chunks, each one transaction (few commits); between chunks the loop yields, so a
      // query or an ingest request waits for one chunk at most, not for the whole round.
      for (let from = 0; from < pending.length && budgetMs > 0 && !stopped; from += FINALIZE_CHUNK) {
        const started = performance.now();
        const items: FinalizeItem[] = [];
        for (const { traceId, stamp, hasErrors } of pending.slice(from, from + FINALIZE_CHUNK)) {
          // Only a trace with an error span can have failed at its entry; the rest just get their
          // service-map edges counted, without loading their spans here.
          const trace = hasErrors ? await options.store.getTrace(traceId) : null;
          const diagnosis = trace ? diagnoseTrace(trace.spans, trace.logs) : null;
          const record = diagnosis === null || !trace ? null : toDiagnosisRecord(diagnosis, trace.spans);
          // Kept whole, so opening the trace reads the verdict instead of diagnosing it again.
          const verdict: KeptVerdict =
            diagnosis === null || !trace ? { diagnosis: null } : { diagnosis, logCount: trace.logs.length };
          items.push({ traceId, stamp, record, verdict });
          if (performance.now() - started > budgetMs) break;
        }
        const outcomes = await options.store.finalizeTraces(items);
        for (let i = 0; i < items.length; i++) {
          await options.onRecorded?.(items[i]!.traceId, items[i]!.record, outcomes[i]!);
        }
        budgetMs -= performance.now() - started;
        // Skip ahead if the chunk stopped early on the budget (the rest waits for the next round).
        if (items.length < Math.min(FINALIZE_CHUNK, pending.length - from)) break;
        await new Promise((resolve) => setImmediate(resolve));
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
