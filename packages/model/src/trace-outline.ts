import {
  type LogRecord,
  SPAN_KIND_NAMES,
  type Span,
  type SpanKind,
  type SpanStatus,
  STATUS_CODE_NAMES,
  type StatusCode,
} from './span.js';
import {
  fromWireLogRecord,
  fromWireSpan,
  toWireLogRecord,
  toWireSpan,
  type WireLogRecord,
  type WireSpan,
} from './wire.js';

/**
 * What a waterfall draws of one span: its place in the tree, its time and its outcome, without the
 * attributes, events, links and resource a span's details hold. A 10,000-span trace's outline is a
 * tenth of the whole trace's JSON, and a store can read it without decoding any attribute.
 */
export interface SpanOutline
  extends Pick<
    Span,
    | 'spanId'
    | 'parentSpanId'
    | 'service'
    | 'name'
    | 'kind'
    | 'startTimeUnixNano'
    | 'endTimeUnixNano'
    | 'status'
  > {
  /** The span failed (the diagnosis engine's `isErrorSpan`), judged where its attributes are. */
  failed: boolean;
  /** The span recorded an exception event. */
  exception: boolean;
}

/** `flags` bits of the wire outline. */
export const OUTLINE_FLAG_FAILED = 1;
/** `flags` bit: the span recorded an exception. */
export const OUTLINE_FLAG_EXCEPTION = 2;

/** Per-span columns of the wire outline; entry `i` of every array describes span `i`. */
export interface WireOutlineColumns {
  spanId: string[];
  /** Index of the parent span, -1 for a root or a parent not stored (see `missingParents`). */
  parent: number[];
  /** Index into `services`. */
  service: number[];
  /** Index into `names`. */
  name: number[];
  /** Index into SPAN_KIND_NAMES (OTLP's SpanKind numbers). */
  kind: number[];
  /** Index into STATUS_CODE_NAMES (OTLP's status code numbers). */
  status: number[];
  /** Nanoseconds from `startTimeUnixNano` to the span's start. */
  startOffsetNs: number[];
  durationNs: number[];
  /** OUTLINE_FLAG_* bits. */
  flags: number[];
}

/** `GET /api/traces/:traceId/outline` as JSON (docs/api.md); `D` is the diagnosis type. */
export interface WireTraceOutline<D> {
  traceId: string;
  /** The earliest span start (nanoseconds, decimal string); span starts are offsets from it. */
  startTimeUnixNano: string;
  spanCount: number;
  logCount: number;
  /** Service names, each once. */
  services: string[];
  /** Span names, each once. */
  names: string[];
  spans: WireOutlineColumns;
  /** Status messages, by span index, for the spans that have one. */
  statusMessages: Record<string, string>;
  /** Parent span ids that are not in the trace (lost, or still arriving), by span index. */
  missingParents: Record<string, string>;
  diagnosis: D | null;
  /** The origin span's details (a failing trace), so its exception shows without another request. */
  origin: { span: WireSpan; logs: WireLogRecord[] } | null;
}

/** A trace's outline in domain types. */
export interface TraceOutline<D> {
  traceId: string;
  spans: SpanOutline[];
  logCount: number;
  diagnosis: D | null;
  /** The origin span and its logs, when the trace failed. */
  origin: { span: Span; logs: LogRecord[] } | null;
}

/** Numbers each distinct text once, in order of first use. */
class TextIndex {
  readonly list: string[] = [];
  private readonly indexOf = new Map<string, number>();

  ref(text: string): number {
    let index = this.indexOf.get(text);
    if (index === undefined) {
      index = this.list.length;
      this.list.push(text);
      this.indexOf.set(text, index);
    }
    return index;
  }
}

const KIND_NUMBERS = new Map<SpanKind, number>(SPAN_KIND_NAMES.map((name, i) => [name, i]));
const STATUS_NUMBERS = new Map<StatusCode, number>(STATUS_CODE_NAMES.map((name, i) => [name, i]));

/**
 * Converts an outline to its JSON shape. Offsets are exact below 2^53 ns (104 days), far beyond any
 * real trace.
 */
export function toWireOutline<D>(outline: TraceOutline<D>): WireTraceOutline<D> {
  const { spans } = outline;
  let start = spans[0]?.startTimeUnixNano ?? 0n;
  for (const span of spans) if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
  const indexById = new Map(spans.map((span, i) => [span.spanId, i]));
  const services = new TextIndex();
  const names = new TextIndex();
  const columns: WireOutlineColumns = {
    spanId: [],
    parent: [],
    service: [],
    name: [],
    kind: [],
    status: [],
    startOffsetNs: [],
    durationNs: [],
    flags: [],
  };
  const statusMessages: Record<string, string> = {};
  const missingParents: Record<string, string> = {};
  spans.forEach((span, i) => {
    const parent = span.parentSpanId === null ? undefined : indexById.get(span.parentSpanId);
    if (span.parentSpanId !== null && parent === undefined) missingParents[i] = span.parentSpanId;
    if (span.status.message !== undefined) statusMessages[i] = span.status.message;
    columns.spanId.push(span.spanId);
    columns.parent.push(parent ?? -1);
    columns.service.push(services.ref(span.service));
    columns.name.push(names.ref(span.name));
    columns.kind.push(KIND_NUMBERS.get(span.kind) ?? 0);
    columns.status.push(STATUS_NUMBERS.get(span.status.code) ?? 0);
    columns.startOffsetNs.push(Number(span.startTimeUnixNano - start));
    columns.durationNs.push(Number(span.endTimeUnixNano - span.startTimeUnixNano));
    columns.flags.push(
      (span.failed ? OUTLINE_FLAG_FAILED : 0) | (span.exception ? OUTLINE_FLAG_EXCEPTION : 0),
    );
  });
  return {
    traceId: outline.traceId,
    startTimeUnixNano: start.toString(),
    spanCount: spans.length,
    logCount: outline.logCount,
    services: services.list,
    names: names.list,
    spans: columns,
    statusMessages,
    missingParents,
    diagnosis: outline.diagnosis,
    origin: outline.origin && {
      span: toWireSpan(outline.origin.span),
      logs: outline.origin.logs.map(toWireLogRecord),
    },
  };
}

// One status object per code for the spans without a message, shared: the trace page converts every
// span of a 10,000-span outline before its first paint, and each object that outlives the conversion
// is copied by the garbage collector.
const PLAIN_STATUSES: readonly SpanStatus[] = STATUS_CODE_NAMES.map((code) => Object.freeze({ code }));

/** Converts an outline from its JSON shape back to domain types (the UI's fetch boundary). */
export function fromWireOutline<D>(wire: WireTraceOutline<D>): TraceOutline<D> {
  const start = BigInt(wire.startTimeUnixNano);
  const c = wire.spans;
  const spans: SpanOutline[] = new Array(c.spanId.length);
  for (let i = 0; i < c.spanId.length; i++) {
    const startNs = start + BigInt(c.startOffsetNs[i]!);
    const message = wire.statusMessages[i];
    const plain = PLAIN_STATUSES[c.status[i]!] ?? PLAIN_STATUSES[0]!;
    const parent = c.parent[i]!;
    spans[i] = {
      spanId: c.spanId[i]!,
      parentSpanId: parent >= 0 ? c.spanId[parent]! : (wire.missingParents[i] ?? null),
      service: wire.services[c.service[i]!] ?? '',
      name: wire.names[c.name[i]!] ?? '',
      kind: SPAN_KIND_NAMES[c.kind[i]!] ?? 'UNSPECIFIED',
      startTimeUnixNano: startNs,
      endTimeUnixNano: startNs + BigInt(c.durationNs[i]!),
      status: message === undefined ? plain : { code: plain.code, message },
      failed: (c.flags[i]! & OUTLINE_FLAG_FAILED) !== 0,
      exception: (c.flags[i]! & OUTLINE_FLAG_EXCEPTION) !== 0,
    };
  }
  return {
    traceId: wire.traceId,
    spans,
    logCount: wire.logCount,
    diagnosis: wire.diagnosis,
    origin: wire.origin && {
      span: fromWireSpan(wire.origin.span),
      logs: wire.origin.logs.map(fromWireLogRecord),
    },
  };
}
