import type { Diagnosis } from '@faultline/diagnosis';
import {
  OUTLINE_FLAG_EXCEPTION,
  OUTLINE_FLAG_FAILED,
  SPAN_KIND_NAMES,
  STATUS_CODE_NAMES,
  type WireTraceOutline,
} from '@faultline/model';
import { capList, clip } from './safe-text.js';

/** One span as the MCP answers name it: where it is in time, what it is and how it ended. */
export interface SpanRow {
  spanId: string;
  service: string;
  name: string;
  kind: string;
  status: string;
  statusMessage?: string;
  startOffsetMs: number;
  durationMs: number;
  failed: boolean;
  exception: boolean;
}

/** The part of a trace an agent reads first: the failing path, and the origin's neighbourhood. */
export interface TraceFocus {
  path: (SpanRow & { role: 'entry' | 'propagated' | 'origin' })[];
  parent: SpanRow | null;
  children: SpanRow[];
  siblings: SpanRow[];
  /** Failing spans off the path (retries, fan-out branches). */
  otherFailing: SpanRow[];
  /** What was left out, in words. */
  cut: string[];
}

/** Path spans kept: the entry's end and the origin's end matter, the middle of a deep path less. */
const PATH_HEAD = 4;
const PATH_TAIL = 16;
const NEIGHBOURS = 8;

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** The span at column `i` of an outline as a row, strings clipped. */
function row(outline: WireTraceOutline<Diagnosis>, i: number): SpanRow {
  const s = outline.spans;
  const message = outline.statusMessages[String(i)];
  return {
    spanId: s.spanId[i]!,
    service: clip(outline.services[s.service[i]!] ?? '', 120),
    name: clip(outline.names[s.name[i]!] ?? '', 200),
    kind: SPAN_KIND_NAMES[s.kind[i]!] ?? 'UNSPECIFIED',
    status: STATUS_CODE_NAMES[s.status[i]!] ?? 'UNSET',
    ...(message ? { statusMessage: clip(message, 300) } : {}),
    startOffsetMs: ms(s.startOffsetNs[i]!),
    durationMs: ms(s.durationNs[i]!),
    failed: (s.flags[i]! & OUTLINE_FLAG_FAILED) !== 0,
    exception: (s.flags[i]! & OUTLINE_FLAG_EXCEPTION) !== 0,
  };
}

/** Failing spans first, then nearest in time to `at`: what an agent should look at first. */
function byRelevance(outline: WireTraceOutline<Diagnosis>, at: number) {
  const s = outline.spans;
  return (a: number, b: number) =>
    (s.flags[b]! & OUTLINE_FLAG_FAILED) - (s.flags[a]! & OUTLINE_FLAG_FAILED) ||
    Math.abs(s.startOffsetNs[a]! - at) - Math.abs(s.startOffsetNs[b]! - at);
}

/**
 * The failing path (entry -> origin; a deep one keeps its first and last spans), the origin's parent,
 * children and siblings (failing first, then nearest in time), and failing spans elsewhere, each list
 * capped: a 10,000-span trace answers in the same few dozen rows as a 5-span one.
 */
export function focusOnFailure(outline: WireTraceOutline<Diagnosis>, diagnosis: Diagnosis): TraceFocus {
  const s = outline.spans;
  const indexOf = new Map(s.spanId.map((id, i) => [id, i]));
  const cut: string[] = [];
  const pathIndices = diagnosis.path.map((id) => indexOf.get(id)).filter((i) => i !== undefined);
  let kept = pathIndices;
  if (pathIndices.length > PATH_HEAD + PATH_TAIL) {
    kept = [...pathIndices.slice(0, PATH_HEAD), ...pathIndices.slice(-PATH_TAIL)];
    cut.push(`${pathIndices.length - kept.length} spans in the middle of the failing path not shown`);
  }
  const path = kept.map((i) => ({
    ...row(outline, i),
    role:
      s.spanId[i] === diagnosis.originSpanId
        ? ('origin' as const)
        : i === pathIndices[0]
          ? ('entry' as const)
          : ('propagated' as const),
  }));
  const origin = indexOf.get(diagnosis.originSpanId);
  if (origin === undefined) return { path, parent: null, children: [], siblings: [], otherFailing: [], cut };
  const parentIndex = s.parent[origin]!;
  const children: number[] = [];
  const siblings: number[] = [];
  const onPath = new Set(pathIndices);
  const otherFailing: number[] = [];
  for (let i = 0; i < s.spanId.length; i++) {
    if (s.parent[i] === origin) children.push(i);
    else if (parentIndex >= 0 && s.parent[i] === parentIndex && i !== origin) siblings.push(i);
    else if ((s.flags[i]! & OUTLINE_FLAG_FAILED) !== 0 && !onPath.has(i)) otherFailing.push(i);
  }
  const at = s.startOffsetNs[origin]!;
  const pick = (list: number[], max: number, what: string) => {
    const capped = capList(list.sort(byRelevance(outline, at)), max, what);
    if (capped.cut) cut.push(capped.cut);
    return capped.shown.sort((a, b) => s.startOffsetNs[a]! - s.startOffsetNs[b]!).map((i) => row(outline, i));
  };
  return {
    path,
    parent: parentIndex >= 0 ? row(outline, parentIndex) : null,
    children: pick(children, NEIGHBOURS, 'children of the origin'),
    siblings: pick(siblings, NEIGHBOURS, 'siblings of the origin'),
    otherFailing: pick(otherFailing, NEIGHBOURS, 'failing spans off the path'),
    cut,
  };
}

/** Failing spans of a trace whose entry did not fail (a retried call), capped. */
export function failingSpans(outline: WireTraceOutline<Diagnosis>): { rows: SpanRow[]; cut: string | null } {
  const failing: number[] = [];
  outline.spans.flags.forEach((flags, i) => {
    if ((flags & OUTLINE_FLAG_FAILED) !== 0) failing.push(i);
  });
  const capped = capList(failing, NEIGHBOURS, 'failing spans');
  return { rows: capped.shown.map((i) => row(outline, i)), cut: capped.cut };
}
