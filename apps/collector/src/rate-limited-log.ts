import type { FastifyBaseLogger } from 'fastify';

/** How many lines of one kind may be written per window before the rest are only counted. */
const LINES_PER_WINDOW = 5;
const WINDOW_MS = 10_000;

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * One line per refusal or failure, but a flood of them (a misconfigured exporter retrying every
 * second, a scanner probing the API) must not turn the log into the next outage: each kind (usually
 * an error code) gets a few lines per window; the next line after a quiet window says how many were
 * left out. Callers pass fields that carry no span data: the log is read at `info`.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A refusal (4xx, 503): the client did something the collector will not do. */
  warn(kind: string, fields: object, message: string): void {
    this.write('warn', kind, fields, message);
  }

  /** A failure the operator should act on (5xx, the store cannot write). */
  error(kind: string, fields: object, message: string): void {
    this.write('error', kind, fields, message);
  }

  private write(level: 'warn' | 'error', kind: string, fields: object, message: string): void {
    const now = this.now();
    let window = this.windows.get(kind);
    if (window === undefined || now - window.startedAt >= WINDOW_MS) {
      const suppressed = window?.suppressed ?? 0;
      window = { startedAt: now, written: 0, suppressed: 0 };
      this.windows.set(kind, window);
      if (suppressed > 0) fields = { ...fields, suppressedBefore: suppressed };
    }
    if (window.written >= LINES_PER_WINDOW) {
      window.suppressed++;
      return;
    }
    window.written++;
    const last =
      window.written === LINES_PER_WINDOW
        ? ` (more like this in the next ${WINDOW_MS / 1000} s are counted, not logged)`
        : '';
    this.log[level](fields, `${message}${last}`);
  }
}
