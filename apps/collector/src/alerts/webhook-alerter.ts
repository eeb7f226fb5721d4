import type { FailureGroup } from '../store/failure-store.js';

/** Why an alert was sent. */
export type AlertEvent = 'new_failure_group' | 'failure_rate_jump';

/** What the webhook receives (JSON). `text` makes it a valid Slack incoming-webhook message. */
export interface AlertPayload {
  text: string;
  event: AlertEvent;
  group: {
    fingerprint: string;
    originService: string;
    originOperation: string;
    cause: string;
    causeLabel: string;
    summary: string;
    count: number;
    firstVersion: string | null;
  };
  traceId: string;
  traceUrl: string;
}

/** Builds the payload for one alert. */
export function alertPayload(
  event: AlertEvent,
  group: FailureGroup,
  causeLabel: string,
  traceId: string,
  publicUrl: string,
): AlertPayload {
  const traceUrl = `${publicUrl.replace(/\/$/, '')}/traces/${traceId}`;
  const what = event === 'new_failure_group' ? 'New failure' : `Failure rate jumped (${group.count} so far)`;
  return {
    text: `${what}: ${group.originService} › ${group.originOperation} — ${causeLabel}. ${group.summary} ${traceUrl}`,
    event,
    group: {
      fingerprint: group.fingerprint,
      originService: group.originService,
      originOperation: group.originOperation,
      cause: group.cause,
      causeLabel,
      summary: group.summary,
      count: group.count,
      firstVersion: group.firstVersion,
    },
    traceId,
    traceUrl,
  };
}

/**
 * Posts alerts to a webhook without ever holding up diagnosis: deliveries run in the background, at
 * most `maxInFlight` at once (the rest are dropped and counted), each bounded by a timeout; a failing
 * webhook is logged at most once a minute.
 */
export class WebhookAlerter {
  private inFlight = 0;
  private lastErrorLogMs = 0;
  readonly stats = { sent: 0, failed: 0, dropped: 0 };

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void,
    private readonly maxInFlight = 8,
  ) {}

  /** Sends one alert in the background. */
  send(payload: AlertPayload): void {
    if (this.inFlight >= this.maxInFlight) {
      this.stats.dropped++;
      return;
    }
    this.inFlight++;
    fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(5000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.stats.sent++;
      })
      .catch((error: unknown) => {
        this.stats.failed++;
        if (Date.now() - this.lastErrorLogMs > 60_000) {
          this.lastErrorLogMs = Date.now();
          this.log(`alert webhook ${this.url} failed: ${(error as Error).message}`);
        }
      })
      .finally(() => {
        this.inFlight--;
      });
  }
}
