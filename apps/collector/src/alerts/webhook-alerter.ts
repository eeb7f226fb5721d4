import type { AlertPayload } from './alert-payload.js';

/**
 * What one post carries (JSON). `text` makes it a valid Slack incoming-webhook message: one line per
 * listed alert, and a "+N more" line for the rest. `alerts` holds the listed ones, `more` counts the rest.
 * A post with a single alert also carries that alert's fields at the top level, as posts did before
 * batching, so a receiver built for one alert per post keeps working.
 */
export type WebhookPost = Partial<AlertPayload> & { text: string; alerts: AlertPayload[]; more: number };

/** How often the alerter may post and how much one post lists. */
export interface WebhookAlerterOptions {
  /** At most one post per this long; alerts in between wait and go together in the next (default 10 s). */
  intervalMs?: number;
  /** Alerts listed by name in one post; beyond it they are only counted (default 20). */
  maxListed?: number;
  /** A post that takes longer is abandoned and counted as failed (default 5 s). */
  timeoutMs?: number;
}

/**
 * Posts alerts to a webhook without ever holding up diagnosis, and without flooding the channel: 500 new
 * groups at once must not become 500 messages. The first alert after a quiet interval is posted at once;
 * later ones are batched into one post per `intervalMs`, listing at most `maxListed` and counting the rest,
 * so memory stays bounded whatever the rate. Each post is bounded by a timeout; a failing webhook is
 * logged at most once a minute.
 */
export class WebhookAlerter {
  private pending: AlertPayload[] = [];
  private unlisted = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastPostMs = Number.NEGATIVE_INFINITY;
  private lastErrorLogMs = 0;
  private readonly intervalMs: number;
  private readonly maxListed: number;
  private readonly timeoutMs: number;
  readonly stats = { posts: 0, failed: 0, alerts: 0 };

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void,
    options: WebhookAlerterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.maxListed = Math.max(1, options.maxListed ?? 20);
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Queues one alert for the next post. */
  send(payload: AlertPayload): void {
    this.stats.alerts++;
    if (this.pending.length < this.maxListed) this.pending.push(payload);
    else this.unlisted++;
    if (this.timer === null) this.schedule();
  }

  private schedule(): void {
    const waitMs = Math.max(0, this.lastPostMs + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), waitMs);
    // Alerts must not keep a stopping process alive.
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    // Timers may fire a millisecond early: the interval is a promise, so wait out the rest.
    if (Date.now() < this.lastPostMs + this.intervalMs) {
      this.schedule();
      return;
    }
    const alerts = this.pending;
    const more = this.unlisted;
    this.pending = [];
    this.unlisted = 0;
    if (alerts.length === 0) return;
    this.lastPostMs = Date.now();
    this.post(postOf(alerts, more));
  }

  private post(body: WebhookPost): void {
    fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.stats.posts++;
      })
      .catch((error: unknown) => {
        this.stats.failed++;
        if (Date.now() - this.lastErrorLogMs > 60_000) {
          this.lastErrorLogMs = Date.now();
          this.log(`alert webhook ${this.url} failed: ${(error as Error).message}`);
        }
      });
  }
}

/** One post's body: each alert's (already escaped) line, then how many were left unlisted. */
function postOf(alerts: AlertPayload[], more: number): WebhookPost {
  if (alerts.length === 1 && more === 0) return { ...alerts[0]!, alerts, more };
  const total = alerts.length + more;
  const lines = [`${total} alerts:`, ...alerts.map((alert) => `• ${alert.text}`)];
  if (more > 0) lines.push(`+${more} more; open Faultline to see every failure group.`);
  return { text: lines.join('\n'), alerts, more };
}
