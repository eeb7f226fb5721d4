import type { Attributes, LogRecord, Span } from '@faultline/model';

/**
 * Keys whose values never reach disk: credentials in headers (`http.request.header.authorization`,
 * `…cookie`, `…set-cookie`) and attributes named like secrets. A key matches when one of its
 * dot/underscore/dash-separated parts is one of these words.
 */
export const DEFAULT_REDACT_PATTERN =
  /(^|[._-])(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client[._-]?secret|token|access[._-]?token|refresh[._-]?token|api[._-]?key|apikey|private[._-]?key)$/i;

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** URL-valued keys whose query parameters are scrubbed too (`?token=…`). */
const URL_KEYS = new Set(['url.full', 'http.url', 'url.query', 'http.target', 'url.original']);
const SECRET_PARAM =
  /([?&;](?:token|access_token|refresh_token|password|passwd|secret|api_key|apikey|key|sig|signature|auth)=)[^&#;]*/gi;

/**
 * Replaces sensitive attribute values at ingest, before anything is written. Key decisions are cached
 * (the same keys repeat in every batch), and a resource shared by many spans is visited once.
 */
export class Redactor {
  private readonly pattern: RegExp;
  private readonly decisions = new Map<string, boolean>();

  constructor(pattern: RegExp = DEFAULT_REDACT_PATTERN) {
    this.pattern = pattern;
  }

  private isSensitive(key: string): boolean {
    let sensitive = this.decisions.get(key);
    if (sensitive === undefined) {
      sensitive = this.pattern.test(key);
      if (this.decisions.size > 50_000) this.decisions.clear();
      this.decisions.set(key, sensitive);
    }
    return sensitive;
  }

  /** Redacts one attribute set in place. */
  attributes(attributes: Attributes): void {
    for (const key in attributes) {
      if (this.isSensitive(key)) attributes[key] = REDACTED;
      else if (URL_KEYS.has(key)) {
        const value = attributes[key];
        if (typeof value === 'string' && value.includes('='))
          attributes[key] = value.replace(SECRET_PARAM, `$1${REDACTED}`);
      }
    }
  }

  /** Redacts spans (attributes, events, links, resources) and logs in place. */
  batch(spans: readonly Span[], logs: readonly LogRecord[]): void {
    const seenResources = new Set<Attributes>();
    const resource = (attributes: Attributes) => {
      if (seenResources.has(attributes)) return;
      seenResources.add(attributes);
      this.attributes(attributes);
    };
    for (const span of spans) {
      this.attributes(span.attributes);
      resource(span.resource);
      for (const event of span.events) this.attributes(event.attributes);
      for (const link of span.links) this.attributes(link.attributes);
    }
    for (const log of logs) {
      this.attributes(log.attributes);
      resource(log.resource);
    }
  }
}
