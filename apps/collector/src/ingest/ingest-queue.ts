import type { LogRecord, Span } from '@faultline/model';
import { bodyTooLarge, overloaded, shuttingDown, storeUnavailable, unwritableBatch } from '../errors.js';
import { type Store, StoreUnavailableError } from '../store/store.js';
import type { Redactor } from './redactor.js';

/** Limits of the in-memory queue between the receivers and the single writer. */
export interface IngestQueueOptions {
  /**
   * Items (spans, their events and links, log records: see `countItems`) waiting to be written before
   * new batches are refused with 503; a batch larger than this on its own is refused with 413.
   */
  maxPendingItems: number;
  /** Scrubs sensitive attribute values before anything is queued for disk. */
  redactor?: Redactor;
  /** Called when a write fails, with the error the store threw (for the collector's log). */
  onWriteError?: (error: unknown) => void;
  /** Called with every batch once it is committed (the OTLP forwarder hangs off this). */
  onCommitted?: (spans: readonly Span[], logs: readonly LogRecord[]) => void;
}

interface Pending {
  spans: readonly Span[];
  logs: readonly LogRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: batches that arrive while a write is under way are written together in the next
 * transaction, and every request is answered only after the transaction holding its data committed
 * (ack after commit). Memory is bounded: past `maxPendingItems` a batch is refused with 503 and
 * Retry-After, which the official exporters retry.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private pendingItems = 0;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly store: Store;
  private readonly options: IngestQueueOptions;
  /** Counters for /readyz and the benchmark. */
  readonly stats = { batchesWritten: 0, spansWritten: 0, logsWritten: 0, refused: 0, writeErrors: 0 };

  constructor(store: Store, options: IngestQueueOptions) {
    this.store = store;
    this.options = options;
  }

  /** Items accepted but not yet committed. */
  get backlog(): number {
    return this.pendingItems;
  }

  /**
   * Queues a batch; resolves once committed, rejects with a coded 503 when full, closed or the store
   * fails, and with a 400 when the store refuses this batch's content.
   */
  enqueue(spans: readonly Span[], logs: readonly LogRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(shuttingDown('the collector is shutting down'));
    const items = countItems(spans, logs);
    if (items === 0) return Promise.resolve();
    const max = this.options.maxPendingItems;
    if (items > max) {
      // Never fits, even in an empty queue: a 503 would have the exporter retry it forever.
      this.stats.refused++;
      return Promise.reject(
        bodyTooLarge(
          `the batch holds ${items} items (spans, span events, span links, log records), more than ` +
            `the ${max} the collector queues; send smaller batches`,
        ),
      );
    }
    if (this.pendingItems + items > max) {
      this.stats.refused++;
      return Promise.reject(
        overloaded(`the writer is behind (${this.pendingItems} items queued); retry later`),
      );
    }
    this.options.redactor?.batch(spans, logs);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spans, logs, resolve, reject });
      this.pendingItems += items;
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    // setImmediate lets every request already read off the sockets join this transaction.
    this.flushing = new Promise<void>((done) => setImmediate(() => this.flush().finally(done))).then(() => {
      this.flushing = null;
      if (this.pending.length > 0) this.scheduleFlush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.pendingItems = 0;
    const spans = batch.length === 1 ? batch[0]!.spans : batch.flatMap((p) => p.spans);
    const logs = batch.length === 1 ? batch[0]!.logs : batch.flatMap((p) => p.logs);
    const error = await this.write(spans, logs);
    if (error === null) {
      for (const p of batch) p.resolve();
      return;
    }
    if (batch.length > 1 && !isStoreCondition(error)) {
      // One batch holds something the store refuses; write each alone so the others still land.
      for (const p of batch) this.answer(p, await this.write(p.spans, p.logs));
      return;
    }
    for (const p of batch) this.answer(p, error);
  }

  /** Writes in one transaction; the error the store threw, or null once committed. */
  private async write(spans: readonly Span[], logs: readonly LogRecord[]): Promise<unknown> {
    try {
      await this.store.write(spans, logs);
    } catch (error) {
      this.stats.writeErrors++;
      this.options.onWriteError?.(error);
      return error ?? new Error('the store failed without an error');
    }
    this.stats.batchesWritten++;
    this.stats.spansWritten += spans.length;
    this.stats.logsWritten += logs.length;
    this.options.onCommitted?.(spans, logs);
    return null;
  }

  private answer(p: Pending, error: unknown): void {
    if (error === null) p.resolve();
    // The store's own condition (locked, disk full, I/O) passes: retry. Anything else is this
    // batch's content, and retrying it would fail the same way (and every batch it joins).
    else if (isStoreCondition(error))
      p.reject(storeUnavailable(`the store could not write (${describe(error)}); retry later`));
    else p.reject(unwritableBatch(`the store cannot write this batch (${describe(error)})`));
  }

  /** Refuses new batches and waits until everything accepted so far is committed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.pending.length > 0) {
      if (this.flushing) await this.flushing;
      else this.scheduleFlush();
    }
  }
}

/**
 * What a batch weighs in the queue: one per span, span event, span link and log record. Counting spans
 * alone let one span with 9 million empty events through as "1 item" (2.4 GiB of RSS).
 */
export function countItems(spans: readonly Span[], logs: readonly LogRecord[]): number {
  let items = spans.length + logs.length;
  for (const span of spans) items += span.events.length + span.links.length;
  return items;
}

/**
 * A store that could not be reached or could not write now (each store says so with
 * `StoreUnavailableError`), or SQLite's own result codes (SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR, …).
 */
function isStoreCondition(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('SQLITE_')
  );
}

function describe(error: unknown): string {
  if (error instanceof StoreUnavailableError) return error.message;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.message : String(error);
}
