import type { OutlineCache } from '../api/outline-cache.js';
import type { CollectorConfig } from '../config.js';
import { type FinalizeLoopOptions, startFinalizeLoop } from '../finalize/finalize-loop.js';
import type { OtlpForwarder } from '../forward/otlp-forwarder.js';
import { IngestQueue } from '../ingest/ingest-queue.js';
import { Redactor } from '../ingest/redactor.js';
import type { RateLimitedLog } from '../rate-limited-log.js';
import { startRetention } from '../retention.js';
import { describeStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { describeStoreFailure } from '../store-failure.js';
import type { Listeners } from './listeners.js';

/** The queue between the OTLP listeners and the store: redacts, writes, then hands on to `--forward`. */
export function buildIngestQueue(
  config: CollectorConfig,
  store: Store,
  listeners: Listeners,
  maxPendingItems: number,
  forwarder: OtlpForwarder | undefined,
): IngestQueue {
  const storeName = describeStore(config);
  return new IngestQueue(store, {
    maxPendingItems,
    redactor: new Redactor({ extraPatterns: config.redactPatterns, keep: config.redactKeep }),
    onWriteError: (error) => {
      listeners.otlpLog.error('store-write', {}, describeStoreFailure(error, storeName));
      listeners.otlp.log.debug({ err: error }, 'store write failed');
    },
    ...(forwarder ? { onCommitted: (spans, logs) => forwarder.forward(spans, logs) } : {}),
  });
}

/** What the store's background work needs beyond the store. */
export interface BackgroundWork {
  store: Store;
  apiLog: RateLimitedLog;
  outlines: OutlineCache;
  retentionIntervalMs: number | undefined;
  /** Overrides the store's own quiet time (tests). */
  quietMs: number | undefined;
  onRecorded?: FinalizeLoopOptions['onRecorded'];
}

/**
 * Starts retention and the finalizer loop, tuned by the store in use (Store.finalizeTuning). Returns
 * a function that stops both and waits for the finalizer's round under way.
 */
export function startBackgroundWork(work: BackgroundWork): () => Promise<void> {
  const { store, apiLog } = work;
  const stopRetention = startRetention({
    store,
    intervalMs: work.retentionIntervalMs ?? 60_000,
    tracesPerStep: 200,
    onError: (error) => apiLog.error('retention', { err: error }, 'retention failed'),
  });
  const stopFinalizing = startFinalizeLoop({
    store,
    onJudged: (traceId, trace, diagnosis) => work.outlines.keepJudged(traceId, trace, diagnosis),
    ...(work.onRecorded ? { onRecorded: work.onRecorded } : {}),
    ...store.finalizeTuning,
    quietMs: work.quietMs ?? store.finalizeTuning.quietMs,
    onError: (error) => apiLog.error('diagnosis', { err: error }, 'diagnosis failed'),
  });
  return async () => {
    stopRetention();
    await stopFinalizing();
  };
}
