import type { Attributes, AttributeValue, LogRecord, Span } from '@faultline/model';
import { REDACTED, scrubSecrets } from './secret-values.js';
import { isSensitiveKey, isSensitiveParameter } from './sensitive-names.js';

export { REDACTED } from './secret-values.js';

/** What the operator adds to, or takes from, the built-in rules (`--redact-pattern`, `--redact-keep`). */
export interface RedactorOptions {
  /** More names to redact (case-insensitive regexes over attribute keys, map keys and URL parameters). */
  extraPatterns?: readonly RegExp[];
  /** Attribute keys left exactly as sent, whatever the rules say (`session.id` for a team that needs it). */
  keep?: readonly string[];
}

/** Past this many remembered decisions a memo starts over (keys are at most 256 bytes). */
const MAX_DECISIONS = 10_000;

/** Longest value whose scrubbed form is memoised (10,000 of them: at most ~2.5 MB of strings). */
const MAX_MEMO_LENGTH = 128;

/** A memoised decision: the same names repeat in every batch. */
function remember(memo: Map<string, boolean>, name: string, decide: () => boolean): boolean {
  let decision = memo.get(name);
  if (decision === undefined) {
    decision = decide();
    if (memo.size >= MAX_DECISIONS) memo.clear();
    memo.set(name, decision);
  }
  return decision;
}

/**
 * Replaces credentials at ingest, before anything is queued for disk: the whole value of an attribute
 * whose key names a credential (sensitive-names.ts), and the secret part of any other string value,
 * log bodies included (secret-values.ts). The operator's patterns add to these rules; only an
 * explicit `keep` takes a key out. Key decisions are memoised (the same keys repeat in every batch),
 * and a resource shared by many spans is visited once.
 */
export class Redactor {
  private readonly extraPatterns: readonly RegExp[];
  private readonly keep: ReadonlySet<string>;
  private readonly keyDecisions = new Map<string, boolean>();
  private readonly parameterDecisions = new Map<string, boolean>();
  private readonly scrubbed = new Map<string, string>();
  private readonly isExtraSensitive = (name: string): boolean =>
    this.extraPatterns.some((pattern) => pattern.test(name));
  /** Parameter and member names inside values (`token` in `?token=…`), memoised like keys. */
  private readonly isSensitiveName = (name: string): boolean =>
    remember(this.parameterDecisions, name, () => isSensitiveParameter(name) || this.isExtraSensitive(name));

  constructor(options: RedactorOptions = {}) {
    this.extraPatterns = options.extraPatterns ?? [];
    this.keep = new Set(options.keep ?? []);
  }

  private isSensitive(key: string): boolean {
    return remember(this.keyDecisions, key, () => isSensitiveKey(key) || this.isExtraSensitive(key));
  }

  /**
   * A string with its secrets replaced. Short values repeat from span to span (methods, routes,
   * hosts), usually as the same string (the decoder interns them), so their answers are memoised.
   */
  private scrub(text: string): string {
    if (text.length > MAX_MEMO_LENGTH) return scrubSecrets(text, this.isSensitiveName);
    let scrubbed = this.scrubbed.get(text);
    if (scrubbed === undefined) {
      scrubbed = scrubSecrets(text, this.isSensitiveName);
      if (this.scrubbed.size >= MAX_DECISIONS) this.scrubbed.clear();
      this.scrubbed.set(text, scrubbed);
    }
    return scrubbed;
  }

  /** A value with its secrets replaced; maps and arrays are changed in place (they are ours). */
  value(value: AttributeValue): AttributeValue {
    if (typeof value === 'string') return this.scrub(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.value(value[i]!);
      return value;
    }
    if (value !== null && typeof value === 'object') {
      this.attributes(value);
      return value;
    }
    return value;
  }

  /** Redacts one attribute set (or a map value) in place. */
  attributes(attributes: Attributes): void {
    for (const key in attributes) {
      if (this.keep.has(key)) continue;
      if (this.isSensitive(key)) attributes[key] = REDACTED;
      else attributes[key] = this.value(attributes[key]!);
    }
  }

  /** Redacts spans (name, status, attributes, events, links, resources) and logs (body too) in place. */
  batch(spans: readonly Span[], logs: readonly LogRecord[]): void {
    const seenResources = new Set<Attributes>();
    const resource = (attributes: Attributes) => {
      if (seenResources.has(attributes)) return;
      seenResources.add(attributes);
      this.attributes(attributes);
    };
    for (const span of spans) {
      // Badly instrumented clients name spans after the full URL, query and all.
      span.name = this.scrub(span.name);
      if (span.status.message !== undefined) span.status.message = this.scrub(span.status.message);
      this.attributes(span.attributes);
      resource(span.resource);
      for (const event of span.events) {
        event.name = this.scrub(event.name);
        this.attributes(event.attributes);
      }
      for (const link of span.links) this.attributes(link.attributes);
    }
    for (const log of logs) {
      log.body = this.value(log.body);
      this.attributes(log.attributes);
      resource(log.resource);
    }
  }
}
