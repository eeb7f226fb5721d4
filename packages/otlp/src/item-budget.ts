import { OtlpDecodeError } from './decode-error.js';
import { MAX_ITEMS_PER_REQUEST } from './value-limits.js';

/**
 * Thrown when one request holds more items than {@link MAX_ITEMS_PER_REQUEST}: the sender should send
 * smaller batches (retrying the same one would fail the same way, so it is a 400, not a 503).
 */
export class OtlpTooManyItemsError extends OtlpDecodeError {
  constructor(limit: number) {
    super(
      `the request holds more than ${limit} items (spans, span events, span links, log records ` +
        'count one each); send smaller batches',
    );
  }
}

/**
 * Counts a request's items as they are decoded and stops the decoder as soon as the count passes the
 * limit, so a body of millions of tiny log records is never turned into millions of objects.
 */
export class ItemBudget {
  private used = 0;

  constructor(private readonly limit = MAX_ITEMS_PER_REQUEST) {}

  /** Adds `items`; throws {@link OtlpTooManyItemsError} once the request holds more than the limit. */
  spend(items: number): void {
    this.used += items;
    if (this.used > this.limit) throw new OtlpTooManyItemsError(this.limit);
  }
}
