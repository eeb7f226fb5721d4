/** How many rejected items are described in the error message; the rest are only counted. */
const DESCRIBED = 3;

/** Which scope a rejected item belonged to; filled in when the scope is read (it may come later). */
export interface ScopeLabel {
  name: string;
}

interface Rejection {
  ordinal: number;
  itemName: string;
  scope: ScopeLabel;
  reason: string;
}

/**
 * Counts the spans or log records rejected from a batch and words OTLP's partial-success
 * `error_message`, e.g. "2 spans rejected: span 3 'GET /' of scope 'x': trace id must be 16 bytes, got 15; …".
 */
export class Rejections {
  count = 0;
  private readonly described: Rejection[] = [];

  constructor(private readonly noun: string) {}

  /** Records a rejected item: its 1-based position in its scope, its name ('' if none), and why. */
  add(ordinal: number, itemName: string, scope: ScopeLabel, reason: string): void {
    this.count++;
    if (this.described.length < DESCRIBED) this.described.push({ ordinal, itemName, scope, reason });
  }

  /** The partial-success error message; '' when nothing was rejected. */
  message(): string {
    if (this.count === 0) return '';
    const plural = this.count === 1 ? this.noun : `${this.noun}s`;
    const parts = this.described.map((r) => {
      const name = r.itemName === '' ? '' : ` ${quote(r.itemName)}`;
      return `${this.noun} ${r.ordinal}${name} of scope ${quote(r.scope.name)}: ${r.reason}`;
    });
    const more = this.count - this.described.length;
    if (more > 0) parts.push(`and ${more} more`);
    return `${this.count} ${plural} rejected: ${parts.join('; ')}`;
  }
}

function quote(text: string): string {
  return `'${text.length > 80 ? `${text.slice(0, 80)}…` : text}'`;
}
