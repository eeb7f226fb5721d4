/*
 * A bounded buffer of finished spans that, when full, gives up successful spans before failing ones.
 * The SDK's BatchSpanProcessor drops the newest span whatever it is; under load that silently
 * throws away exactly the spans a 500 hunt needs. Here a span counts as failing when it, or any
 * earlier-ended span of its trace, failed; the check is repeated at eviction time because the spans
 * of a request end child-first, so a successful child is queued before its parent fails.
 */

/** How the buffer sees the items it holds. */
export interface BufferedItemView<T> {
  isFailure(item: T): boolean;
  traceIdOf(item: T): string;
}

/** How many trace ids to remember as failing; old ones are forgotten first. */
const FAILING_TRACE_MEMORY = 4096;

/** Failure-first bounded span buffer; see the file comment. */
export class FailureFirstBuffer<T> {
  private readonly succeeded: T[] = [];
  private readonly failed: T[] = [];
  private readonly failingTraces = new Set<string>();
  /** Items given up because the buffer was full. */
  droppedCount = 0;
  /** Failing items given up because even the failure reserve was full. */
  droppedFailureCount = 0;

  /**
   * @param capacity the number of items normally held.
   * @param failureReserve extra room for failing items only, so a burst of errors can exceed `capacity`.
   */
  constructor(
    private readonly view: BufferedItemView<T>,
    private readonly capacity: number,
    private readonly failureReserve = capacity,
  ) {}

  /** Number of items held. */
  get size(): number {
    return this.succeeded.length + this.failed.length;
  }

  /** Adds an item; returns false when something (this item or an older one) was dropped to make room. */
  push(item: T): boolean {
    const traceId = this.view.traceIdOf(item);
    const failing = this.view.isFailure(item) || this.failingTraces.has(traceId);
    if (failing) this.rememberFailingTrace(traceId);
    let droppedNothing = true;
    if (this.size >= this.capacity && this.evictOldestSuccess()) {
      droppedNothing = false;
    } else if (this.size >= this.capacity) {
      // Everything held is failing: a success is turned away, a failure may use the reserve.
      if (!failing) {
        this.droppedCount += 1;
        return false;
      }
      if (this.failed.length >= this.capacity + this.failureReserve) {
        this.failed.shift();
        this.droppedCount += 1;
        this.droppedFailureCount += 1;
        droppedNothing = false;
      }
    }
    (failing ? this.failed : this.succeeded).push(item);
    return droppedNothing;
  }

  /** Removes and returns up to `max` items, failing ones first. */
  take(max: number): T[] {
    const fromFailed = this.failed.splice(0, Math.min(max, this.failed.length));
    const rest = max - fromFailed.length;
    return rest > 0 ? fromFailed.concat(this.succeeded.splice(0, rest)) : fromFailed;
  }

  /** Removes and returns everything. */
  takeAll(): T[] {
    return this.take(this.size);
  }

  private evictOldestSuccess(): boolean {
    while (this.succeeded.length > 0) {
      const oldest = this.succeeded.shift() as T;
      if (this.failingTraces.has(this.view.traceIdOf(oldest))) {
        this.failed.push(oldest);
        continue;
      }
      this.droppedCount += 1;
      return true;
    }
    return false;
  }

  private rememberFailingTrace(traceId: string): void {
    if (this.failingTraces.has(traceId)) return;
    if (this.failingTraces.size >= FAILING_TRACE_MEMORY) {
      const oldest = this.failingTraces.values().next().value;
      if (oldest !== undefined) this.failingTraces.delete(oldest);
    }
    this.failingTraces.add(traceId);
  }
}
