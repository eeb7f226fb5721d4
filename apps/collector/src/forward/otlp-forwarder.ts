import type { LogRecord, Span } from '@faultline/model';
import { encodeLogsJson, encodeTracesJson } from '@faultline/otlp';

/** How the forwarder sends and how much it holds while the upstream is away. */
export interface OtlpForwarderOptions {
  /** OTLP/HTTP base URL, as OTEL_EXPORTER_OTLP_ENDPOINT: `/v1/traces` and `/v1/logs` are appended. */
  url: string;
  /** Bytes of encoded requests held for retry; past it the oldest are dropped (default 64 MiB). */
  maxQueuedBytes?: number;
  /** First retry delay; doubles per failure up to `maxBackoffMs` (defaults 250 ms and 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Told of requests dropped (queue full, or refused by the upstream for good). */
  onDrop?: (reason: string, requests: number) => void;
}

interface Request {
  path: '/v1/traces' | '/v1/logs';
  body: string;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Re-exports what the collector committed, as OTLP/JSON, to an upstream OTel Collector: the
 * collector keeps its local copy and the upstream gets everything, in order. Requests wait in a
 * bounded queue while the upstream is down and are retried with exponential backoff (honouring
 * Retry-After); when the queue is full the oldest are dropped, so a dead upstream never grows memory
 * or slows ingest.
 */
export class OtlpForwarder {
  private readonly options: Required<Omit<OtlpForwarderOptions, 'onDrop'>> &
    Pick<OtlpForwarderOptions, 'onDrop'>;
  private readonly queue: Request[] = [];
  private queuedBytes = 0;
  private sending: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | undefined;
  /** Counters for /readyz. */
  readonly stats = { forwarded: 0, retries: 0, dropped: 0, queued: 0 };

  constructor(options: OtlpForwarderOptions) {
    this.options = {
      maxQueuedBytes: 64 * 1024 * 1024,
      initialBackoffMs: 250,
      maxBackoffMs: 30_000,
      timeoutMs: 10_000,
      ...options,
      url: options.url.replace(/\/+$/, ''),
    };
  }

  /** Queues one committed batch for the upstream; never blocks and never throws. */
  forward(spans: readonly Span[], logs: readonly LogRecord[]): void {
    if (this.closed) return;
    if (spans.length > 0) this.push({ path: '/v1/traces', body: JSON.stringify(encodeTracesJson(spans)) });
    if (logs.length > 0) this.push({ path: '/v1/logs', body: JSON.stringify(encodeLogsJson(logs)) });
    this.sending ??= this.run().finally(() => {
      this.sending = null;
    });
  }

  private push(request: Request): void {
    this.queue.push(request);
    this.queuedBytes += request.body.length;
    let dropped = 0;
    while (this.queuedBytes > this.options.maxQueuedBytes && this.queue.length > 1) {
      this.queuedBytes -= this.queue.shift()!.body.length;
      dropped++;
    }
    if (dropped > 0) this.drop('the upstream is behind and the forward queue is full', dropped);
    this.stats.queued = this.queue.length;
  }

  private drop(reason: string, requests: number): void {
    this.stats.dropped += requests;
    this.options.onDrop?.(reason, requests);
  }

  private async run(): Promise<void> {
    let backoffMs = this.options.initialBackoffMs;
    while (this.queue.length > 0 && !this.closed) {
      const request = this.queue[0]!;
      const outcome = await this.send(request);
      if (outcome.kind === 'retry') {
        this.stats.retries++;
        await this.sleep(outcome.afterMs ?? backoffMs);
        backoffMs = Math.min(backoffMs * 2, this.options.maxBackoffMs);
        continue;
      }
      backoffMs = this.options.initialBackoffMs;
      if (this.queue[0] === request) {
        this.queue.shift();
        this.queuedBytes -= request.body.length;
      }
      if (outcome.kind === 'sent') this.stats.forwarded++;
      else this.drop(outcome.reason, 1);
      this.stats.queued = this.queue.length;
    }
  }

  private async send(
    request: Request,
  ): Promise<{ kind: 'sent' } | { kind: 'retry'; afterMs?: number } | { kind: 'refused'; reason: string }> {
    try {
      const response = await fetch(`${this.options.url}${request.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { kind: 'sent' };
      if (RETRYABLE.has(response.status)) {
        const seconds = Number(response.headers.get('retry-after'));
        return Number.isFinite(seconds) && seconds > 0
          ? { kind: 'retry', afterMs: Math.min(seconds * 1000, this.options.maxBackoffMs) }
          : { kind: 'retry' };
      }
      return { kind: 'refused', reason: `the upstream answered ${response.status}` };
    } catch {
      // Refused, reset or timed out: the upstream is away, which is what the queue is for.
      return { kind: 'retry' };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Tries to deliver what is queued for up to `graceMs`, then stops; what is left is dropped. */
  async close(graceMs = 2000): Promise<void> {
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    if (this.sending) await Promise.race([this.sending, deadline]);
    this.closed = true;
    this.wake?.();
    await this.sending;
    if (this.queue.length > 0)
      this.drop('the collector stopped before the upstream took them', this.queue.length);
  }
}
