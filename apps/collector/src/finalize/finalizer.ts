import { type Diagnosis, diagnoseTrace } from '@faultline/diagnosis';
import type { LogRecord, Span } from '@faultline/model';
import type { Store } from '../store/store.js';
import type { DiagnosisRecord, FinalizeItem, KeptVerdict, RecordOutcome } from '../store/types.js';
import { toDiagnosisRecord } from './diagnosis-record.js';
import { callersToReopen, followBrokenCall } from './stitch-lookup.js';

/** How the finalizer slices its work. */
export interface FinalizerOptions {
  store: Store;
  /** Traces fetched per call to `finalizePending` at most. */
  batchSize: number;
  /**
   * Main-thread time one slice (one store transaction) may take (ms); between slices the finalizer
   * yields, so a query or an ingest batch waits for one slice at most.
   */
  sliceMs: number;
  /** Traces per slice at most, however cheap they are. */
  maxPerSlice: number;
  /** Told of every verdict recorded (alerts hang off this). */
  onRecorded?: (traceId: string, record: DiagnosisRecord | null, outcome: RecordOutcome) => Promise<void>;
  /**
   * Told of each trace it read whole and diagnosed (a failing one), with what it read: the trace
   * page's outline is kept from it (api/outline-cache.ts) instead of read again when it is opened.
   */
  onJudged?: (
    traceId: string,
    trace: { spans: Span[]; logs: LogRecord[] },
    diagnosis: Diagnosis | null,
  ) => void;
  /** The clock slices are measured by (ms); tests pass their own. */
  now?: () => number;
}

/** What the store's share of a slice is guessed to cost per trace before anything was measured (ms). */
const FIRST_GUESS_STORE_MS = 0.2;

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Finalizes quiet traces in slices short by the clock, not by count. A slice diagnoses the failing
 * traces it takes (measured as it goes) and hands them to the store in one transaction, whose cost
 * it predicts from the transactions before; it stops taking traces before the sum would pass
 * `sliceMs`. (Chunks of 64 traces took 6–20 ms at 10M spans and were the tail of every query that
 * arrived behind one; the store's cost per trace is the same in chunks of 16, see bench/RESULTS.md.)
 */
export class Finalizer {
  private storeMsPerTrace = FIRST_GUESS_STORE_MS;
  /** A whole slice's time per trace (diagnoses and store), learnt the same way. */
  private sliceMsPerTrace = FIRST_GUESS_STORE_MS;
  private readonly now: () => number;

  constructor(private readonly options: FinalizerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Finalizes traces quiet since `quietSinceMs` (one fetch of at most `batchSize`) until they are
   * done, `budgetMs` of this finalizer's own work is spent, or `isStopped` says so. Returns how many
   * it finalized.
   */
  async finalizePending(quietSinceMs: number, budgetMs: number, isStopped = () => false): Promise<number> {
    const { store, sliceMs, maxPerSlice } = this.options;
    const fetchStarted = this.now();
    // Fetch about what the budget can finalize: the fetch is one statement (1,000 pending traces took
    // 3–4 ms at 10M spans), and what is left unfinalized is fetched again next time anyway.
    const affordable = Math.ceil((1.25 * budgetMs) / this.sliceMsPerTrace);
    const limit = Math.min(this.options.batchSize, Math.max(maxPerSlice, affordable));
    const pending = await store.pendingTraces(quietSinceMs, limit);
    let spentMs = this.now() - fetchStarted;
    let next = 0;
    while (next < pending.length && spentMs < budgetMs && !isStopped()) {
      // Fetching was one statement: let whatever waits behind it (or behind the last slice) run first.
      await yieldToEventLoop();
      const started = this.now();
      const items: FinalizeItem[] = [];
      const reopen = new Set<string>();
      while (next < pending.length && items.length < maxPerSlice) {
        const predictedMs = this.now() - started + (items.length + 1) * this.storeMsPerTrace;
        if (items.length > 0 && predictedMs > sliceMs) break;
        const { traceId, stamp, hasErrors } = pending[next++]!;
        // Only a trace with an error span can have failed at its entry; the rest just get their
        // service-map edges counted, without loading their spans here.
        const trace = hasErrors ? await store.getTrace(traceId) : null;
        let diagnosis = trace ? diagnoseTrace(trace.spans, trace.logs) : null;
        if (trace && diagnosis) {
          // A call a proxy broke is followed into the callee's trace, whichever of them came first.
          diagnosis = await followBrokenCall(store, trace.spans, diagnosis);
          for (const caller of await callersToReopen(store, trace.spans)) reopen.add(caller);
        }
        const record = diagnosis === null || !trace ? null : toDiagnosisRecord(diagnosis, trace.spans);
        if (trace) this.options.onJudged?.(traceId, trace, diagnosis);
        // Kept whole, so opening the trace reads the verdict instead of diagnosing it again.
        const verdict: KeptVerdict =
          diagnosis === null || !trace ? { diagnosis: null } : { diagnosis, logCount: trace.logs.length };
        items.push({ traceId, stamp, record, verdict });
      }
      const storeStarted = this.now();
      const outcomes = await store.finalizeTraces(items);
      // After this slice's verdicts are stored, so a caller finalized in it is reopened, not overwritten.
      if (reopen.size > 0) await store.reopenTraces([...reopen]);
      const endedMs = this.now();
      this.storeMsPerTrace = this.learn(this.storeMsPerTrace, endedMs - storeStarted, items.length);
      this.sliceMsPerTrace = this.learn(this.sliceMsPerTrace, endedMs - started, items.length);
      for (let i = 0; i < items.length; i++) {
        await this.options.onRecorded?.(items[i]!.traceId, items[i]!.record, outcomes[i]!);
      }
      spentMs += this.now() - started;
    }
    return next;
  }

  private learn(estimateMs: number, ms: number, traces: number): number {
    // One slow transaction (cold pages after a restart) must not shrink the slices for long: a
    // sample counts for at most a whole slice per trace, and weighs a fifth.
    const perTrace = Math.min(ms / traces, this.options.sliceMs);
    return 0.8 * estimateMs + 0.2 * perTrace;
  }
}
