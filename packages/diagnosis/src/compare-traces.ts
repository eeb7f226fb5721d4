import { durationMsBetween, httpStatusCodeOf, type Span } from '@faultline/model';
import { buildTraceTree, type TraceNode } from './trace-tree.js';

/** Where a span sits in its trace: service and span names from the entry down to it. */
export type SpanSignature = string;

/** A span present in one trace of the comparison and not the other. */
export interface SpanPresence {
  signature: SpanSignature;
  service: string;
  name: string;
  /** How many more times it occurs in this trace than in the other. */
  count: number;
}

/** A span that took much longer in the failing trace than in the successful one. */
export interface SlowerSpan {
  signature: SpanSignature;
  service: string;
  name: string;
  failingMs: number;
  baselineMs: number;
}

/** An attribute whose value differs between the two traces' matching spans. */
export interface AttributeChange {
  signature: SpanSignature;
  key: string;
  failing: string;
  baseline: string;
}

/** What differs between a failing trace and a successful one of the same entry route. */
export interface TraceDiff {
  /** In the successful trace, absent from the failing one (the work that never happened). */
  missingSpans: SpanPresence[];
  /** In the failing trace only (retries, error handlers, fallbacks). */
  extraSpans: SpanPresence[];
  slowerSpans: SlowerSpan[];
  attributeChanges: AttributeChange[];
}

/**
 * Attributes that differ between any two requests (ids, URLs with ids, timings, ports): comparing
 * them would bury the one difference that matters.
 */
const NOISY_KEY =
  /(^|\.)(id|uuid|url|full|path|target|query|port|address|ip|pid|time|duration|size|length|count|user_agent\.original)$|trace|span|thread|instance|host\.name|header\./;

/** A slower span is reported when it took at least twice as long and 5 ms more. */
const SLOWER_FACTOR = 2;
const SLOWER_MIN_MS = 5;

function signatures(spans: readonly Span[]): Map<SpanSignature, TraceNode[]> {
  const tree = buildTraceTree(spans);
  const bySignature = new Map<SpanSignature, TraceNode[]>();
  const visit = (node: TraceNode, prefix: string) => {
    const signature = `${prefix}${prefix ? ' › ' : ''}${node.span.service}:${node.span.name}`;
    const list = bySignature.get(signature) ?? [];
    list.push(node);
    bySignature.set(signature, list);
    for (const child of node.children) visit(child, signature);
  };
  for (const root of tree.roots) visit(root, '');
  return bySignature;
}

function comparable(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Compares a failing trace with a successful one of the same entry route: spans matched by their
 * place in the tree (service and names from the entry down), then what is missing, extra, much slower,
 * or carries different attribute values (status codes, db names, versions…; per-request noise such
 * as ids, URLs and ports is left out).
 */
export function compareTraces(failing: readonly Span[], baseline: readonly Span[]): TraceDiff {
  const failingBySig = signatures(failing);
  const baselineBySig = signatures(baseline);
  const diff: TraceDiff = { missingSpans: [], extraSpans: [], slowerSpans: [], attributeChanges: [] };
  const presence = (signature: string, node: TraceNode, count: number): SpanPresence => ({
    signature,
    service: node.span.service,
    name: node.span.name,
    count,
  });
  for (const [signature, nodes] of baselineBySig) {
    const other = failingBySig.get(signature)?.length ?? 0;
    if (nodes.length > other) diff.missingSpans.push(presence(signature, nodes[0]!, nodes.length - other));
  }
  for (const [signature, nodes] of failingBySig) {
    const base = baselineBySig.get(signature);
    if (nodes.length > (base?.length ?? 0))
      diff.extraSpans.push(presence(signature, nodes[0]!, nodes.length - (base?.length ?? 0)));
    if (!base) continue;
    const f = nodes[0]!.span;
    const b = base[0]!.span;
    const failingMs = durationMsBetween(f.startTimeUnixNano, f.endTimeUnixNano);
    const baselineMs = durationMsBetween(b.startTimeUnixNano, b.endTimeUnixNano);
    if (failingMs >= baselineMs * SLOWER_FACTOR && failingMs - baselineMs >= SLOWER_MIN_MS) {
      diff.slowerSpans.push({ signature, service: f.service, name: f.name, failingMs, baselineMs });
    }
    const keys = new Set([...Object.keys(f.attributes), ...Object.keys(b.attributes)]);
    for (const key of keys) {
      if (NOISY_KEY.test(key)) continue;
      const fv = f.attributes[key];
      const bv = b.attributes[key];
      if (comparable(fv) !== comparable(bv)) {
        diff.attributeChanges.push({
          signature,
          key,
          failing: fv === undefined ? '(absent)' : comparable(fv),
          baseline: bv === undefined ? '(absent)' : comparable(bv),
        });
      }
    }
    if (
      f.status.code !== b.status.code ||
      httpStatusCodeOf(f.attributes) !== httpStatusCodeOf(b.attributes)
    ) {
      // Status differences are the headline; make sure they are listed even without a status attribute.
      if (!diff.attributeChanges.some((c) => c.signature === signature && c.key === 'status')) {
        diff.attributeChanges.push({
          signature,
          key: 'status',
          failing: f.status.code,
          baseline: b.status.code,
        });
      }
    }
  }
  diff.slowerSpans.sort((a, b) => b.failingMs - b.baselineMs - (a.failingMs - a.baselineMs));
  return diff;
}
