import type { IncomingMessage } from 'node:http';
import type {
  Attributes,
  AttributeValue,
  Context,
  Exception,
  Link,
  Span,
  SpanContext,
  SpanStatus,
  TimeInput,
  Tracer,
} from '@opentelemetry/api';
import { isSpanContextValid, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { applyWrite, type DeferredWrite, eventWrite, marksFailing } from './deferred-span-writes.js';
import { warnOnce } from './faultline-log.js';
import { type RequestHead, serverAttributes } from './server-span-attributes.js';
import type { PresetIdGenerator } from './span-ids.js';

/**
 * Success sampling decides when a request's server span ends whether its trace is exported, and at the
 * current share it can tell in advance which successful traces will be. A request whose trace would
 * not be kept if it succeeds gets no SDK span at first, only a span context with fresh ids (its
 * children and callers see those); when it ends, `settleDeferredRoot` decides, and only a kept trace
 * (failing, or chosen after all) gets its SDK span, with the same ids, start time and attributes, and
 * everything written on it meanwhile. The SDK span of a request nobody will read was most of what
 * tracing cost it (bench/RESULTS.md). packages/instrument/DESIGN.md shows how this fits the rest.
 */
export interface ServerSpanDeferral {
  ids: PresetIdGenerator;
  keepsAtCurrentShare(traceId: string): boolean;
  /**
   * `heldSpans`: leaf spans held as data under the root (see HeldLeafSpan), dropped with it when not
   * kept. `childStarted`: whether an SDK span was started under it (see DeferredSpan#childStarted).
   */
  settleDeferredRoot(traceId: string, failing: boolean, heldSpans: number, childStarted: boolean): boolean;
  /**
   * Called right before a server span that was not deferred (its trace was chosen at the share when
   * it started) ends: its trace stays kept though the share shrank since, so a span of it that fails
   * after it does not arrive without it.
   */
  keepChosen(traceId: string): void;
}

/**
 * What a deferred server span needs to become a span: everything read from the request at its start.
 * It keeps the request's head, never the request: the record hangs off the request's context, which
 * outlives the request on the async resources it started (a keep-alive socket's timer), and through it
 * a request object would keep everything a framework hangs off it (measured with `--trace-gc-nvp`,
 * bench/RESULTS.md).
 */
export interface DeferredSpan extends RequestHead {
  parent: Context;
  traceId: string;
  startTime: number;
  scheme: 'http' | 'https';
  target: string;
  peerAddress: string | undefined;
  peerPort: number | undefined;
  /**
   * What was written on the span while it was a bare context (see DeferredWrite), in order; made on
   * the first write, so most requests, which write nothing, allocate nothing.
   */
  writes: DeferredWrite[] | undefined;
  /** A write marked the request failing (an exception, ERROR): its trace is kept whole. */
  failing: boolean;
  /** The SDK span it became (later writes go straight to it). */
  real: Span | undefined;
  /** Its trace was settled as not kept: later writes are dropped. */
  dropped: boolean;
  /**
   * Set when it was dropped: a span started under it that fails later revives it (the request's span
   * is made after all, with what it ended with), so that failing span does not arrive without it.
   */
  droppedEnd: { revive(): void } | undefined;
  /**
   * SDK spans started under it (at any depth) that have not ended: while any is open when the request
   * ends, its trace is settled only as the last one ends, so a span that fails after the answer went
   * out still keeps the whole trace.
   */
  openSpans: number;
  /** Set while the request has ended and waits for `openSpans` to reach 0: called when it does. */
  whenSpansEnd: (() => void) | undefined;
  /** Finished leaf spans of the request, as data until the trace is kept (see holderOf). */
  held: HeldLeafSpan[];
  /** True until the request's trace is settled or the record becomes a span: it may hold spans. */
  open: boolean;
  /**
   * An SDK span was started under the bare span (noteSpanStart): spans of the trace may end after the
   * request, so a decision to drop it must be remembered for them. Most requests start none (their
   * statements are held as data), and remembering cost each of them a Map entry.
   */
  childStarted: boolean;
  /** Settled as not kept while no SDK span had started under it, so its decision was not remembered. */
  droppedUnremembered: boolean;
}

/**
 * A finished span with no children (a database statement), kept as plain data under a deferred server
 * span: it becomes an SDK span, with these times, only if the trace is kept. For most requests it never
 * does, and the SDK's span start and end, and the sampler's holding it, are saved.
 */
export interface HeldLeafSpan {
  tracer: Tracer;
  name: string;
  kind: SpanKind;
  /** Shared between spans of one statement: the SDK copies them when the span is made. */
  attributes: Attributes;
  startTime: number;
  endTime: number;
}

/** At most this many leaf spans are held per request; beyond it they become SDK spans at once. */
export const MAX_HELD_PER_REQUEST = 256;

/**
 * The span context a deferred request runs under: a non-recording span, like the API's own for a bare
 * context, that also knows its request's record, so leaf instrumentations can hold their spans there.
 */
export class BareServerSpan implements Span {
  constructor(
    private readonly context: SpanContext,
    readonly record: DeferredSpan,
  ) {}
  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    writeDeferred(this.record, { op: 'attribute', key, value });
    return this;
  }
  setAttributes(attributes: Attributes): this {
    writeDeferred(this.record, { op: 'attributes', attributes: { ...attributes } });
    return this;
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    writeDeferred(this.record, eventWrite(name, attributesOrTime, time, nowMillis()));
    return this;
  }
  addLink(link: Link): this {
    writeDeferred(this.record, { op: 'links', links: [link] });
    return this;
  }
  addLinks(links: Link[]): this {
    writeDeferred(this.record, { op: 'links', links: [...links] });
    return this;
  }
  setStatus(status: SpanStatus): this {
    writeDeferred(this.record, { op: 'status', status: { ...status } });
    return this;
  }
  updateName(name: string): this {
    writeDeferred(this.record, { op: 'name', name });
    return this;
  }
  /** The request's end, not the app's, ends the server span. */
  end(): void {}
  /**
   * False, as for the API's bare span context: instrumentations that check it write nothing, so a
   * request whose trace is dropped costs them nothing. What is written anyway is kept (writeDeferred).
   */
  isRecording(): boolean {
    return false;
  }
  recordException(exception: Exception, time?: TimeInput): void {
    writeDeferred(this.record, { op: 'exception', exception, at: time ?? nowMillis() });
  }
}

/**
 * A write on a deferred server span: buffered while it is a bare context, done on its SDK span once it
 * is one, dropped once its trace was. An exception or ERROR marks the request failing.
 */
export function writeDeferred(record: DeferredSpan, write: DeferredWrite): void {
  if (record.real !== undefined) {
    applyWrite(record.real, write);
    return;
  }
  if (record.dropped) return;
  if (marksFailing(write)) record.failing = true;
  if (record.writes === undefined) record.writes = [write];
  else record.writes.push(write);
}

/**
 * The record of the deferred request whose span `parent` is, while it can still hold a leaf span;
 * undefined otherwise (no parent, a recording parent, a settled request, or its limit reached): the
 * caller then makes an SDK span as usual.
 */
export function holderOf(parent: Span | undefined): DeferredSpan | undefined {
  if (!(parent instanceof BareServerSpan)) return undefined;
  const record = parent.record;
  return record.open && record.held.length < MAX_HELD_PER_REQUEST ? record : undefined;
}

/** Makes the SDK spans of the leaf spans a deferred request held, under its now real span. */
export function releaseHeld(record: DeferredSpan, root: Span): void {
  record.open = false;
  if (record.held.length === 0) return;
  const parent = trace.setSpan(record.parent, root);
  for (const held of record.held) {
    const options = { kind: held.kind, attributes: held.attributes, startTime: held.startTime };
    held.tracer.startSpan(held.name, options, parent).end(held.endTime);
  }
  record.held = [];
}
/**
 * A bare span context for a request whose trace success sampling would not keep if it succeeds (see
 * ServerSpanDeferral), or undefined when the request gets its SDK span now: no sampling, or a caller
 * that did not sample the trace (the SDK's parent-based decision then stands).
 */
export function deferIfNotKept(
  request: IncomingMessage,
  scheme: 'http' | 'https',
  parent: Context,
  deferral: ServerSpanDeferral | undefined,
): BareServerSpan | undefined {
  if (deferral === undefined) return undefined;
  const caller = trace.getSpanContext(parent);
  if (
    caller !== undefined &&
    (!isSpanContextValid(caller) || (caller.traceFlags & TraceFlags.SAMPLED) === 0)
  ) {
    return undefined;
  }
  const traceId = caller?.traceId ?? deferral.ids.newTraceId();
  if (deferral.keepsAtCurrentShare(traceId)) return undefined;
  const socket = request.socket;
  const record: DeferredSpan = {
    parent,
    startTime: nowMillis(),
    headers: request.headers,
    method: request.method,
    httpVersion: request.httpVersion,
    scheme,
    target: request.url ?? '/',
    peerAddress: socket?.remoteAddress,
    peerPort: socket?.remotePort,
    traceId,
    writes: undefined,
    failing: false,
    real: undefined,
    dropped: false,
    droppedEnd: undefined,
    openSpans: 0,
    whenSpansEnd: undefined,
    held: [],
    open: true,
    childStarted: false,
    droppedUnremembered: false,
  };
  const bare = { traceId, spanId: deferral.ids.newSpanId(), traceFlags: TraceFlags.SAMPLED };
  return new BareServerSpan(bare, record);
}

/**
 * The SDK span of a deferred server span, started now with the ids its bare context handed out, the
 * start time and the attributes read when the request arrived.
 */
export function spanFromDeferred(
  tracer: Tracer,
  ids: PresetIdGenerator,
  name: string,
  bare: SpanContext,
  deferred: DeferredSpan,
): Span {
  ids.preset(bare.traceId, bare.spanId);
  const attributes = serverAttributes(
    deferred,
    deferred.scheme,
    deferred.target,
    deferred.peerAddress,
    deferred.peerPort,
  );
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.SERVER, attributes, startTime: deferred.startTime },
    deferred.parent,
  );
  ids.clear();
  if (span.spanContext().spanId !== bare.spanId) {
    warnOnce('deferred-span-ids', 'a deferred server span could not keep its ids; its trace may be split');
  }
  return span;
}

const TIME_ORIGIN = performance.timeOrigin;

/** Wall-clock milliseconds with sub-millisecond precision, from the monotonic clock. */
export function nowMillis(): number {
  return TIME_ORIGIN + performance.now();
}
