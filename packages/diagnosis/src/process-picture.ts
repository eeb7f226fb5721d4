import type { Attributes, Span } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { PROCESS_ATTRIBUTES } from './process-attributes.js';
import type { ProcessFigures, ProcessPicture, SaturationKind } from './saturation-types.js';
import type { TraceNode } from './trace-tree.js';

/**
 * Where a figure stops being ordinary and becomes saturation. Each is chosen so that a healthy Node
 * service under ordinary load stays well below it (docs/diagnosis.md, "Saturation", gives the reasons):
 *
 * - event loop blocked: one delay of 500 ms or more in the window (no healthy handler holds the loop
 *   that long; a 1.4 s JSON.parse does), or the loop busy 90 % of the window with a p99 delay of
 *   100 ms or more (many shorter blocks: a CPU-bound burst);
 * - heap near its limit: 90 % of the limit old objects can fill used (V8 runs last-resort GCs near it
 *   and aborts the process at it; see heapShareOfLimit);
 * - CPU pegged: 0.9 of one core (JavaScript runs on one thread: a process at 0.9 of a core has no idle
 *   time left on its main thread);
 * - GC pressure: pauses totalling 25 % of the window;
 * - shares of the window (loop busy, CPU, GC) only over a window of 1 s or more: a process a few hundred
 *   ms old is loading code on its first requests (Node's fetch loads undici on first use), and a
 *   healthy gateway measured at 0.95-1.0 loop utilization with a 120-190 ms p99 over its first 300-580 ms;
 * - late start: the callee's server span started 1 s or more after its caller's call began, or 250 ms
 *   or more and after the caller had given up, beyond the clock-skew tolerance (none on one host,
 *   500 ms between hosts). Not less: a healthy, freshly started pair on a busy machine was measured at
 *   275 ms from the call to the callee's span (the caller's first connection, lazy loading), and a TLS
 *   handshake across regions takes a few hundred ms.
 */
export const SATURATION_THRESHOLDS = {
  blockedDelayMaxMs: 500,
  busyUtilization: 0.9,
  busyDelayP99Ms: 100,
  heapUsedShareOfLimit: 0.9,
  cpuCoresBusy: 0.9,
  gcPauseShareOfWindow: 0.25,
  lateStartMs: 1000,
  lateStartAfterCallerGaveUpMs: 250,
  crossHostSkewToleranceMs: 500,
  minWindowMsForShares: 1000,
} as const;

const T = SATURATION_THRESHOLDS;

/**
 * Heap used as a share of its limit; undefined without both figures. The instrumentation reports the
 * limit long-lived objects can fill (an explicit `--max-old-space-size`, else V8's limit less the young
 * generation's reserve: packages/instrument/src/heap-limit.ts), where V8 aborts the process.
 */
export function heapShareOfLimit(f: ProcessFigures): number | undefined {
  if (f.heapUsedBytes === undefined || !f.heapLimitBytes) return undefined;
  return f.heapUsedBytes / f.heapLimitBytes;
}
const NS_PER_MS = 1_000_000;

/** The figures a span's attributes carry; values that are not finite, non-negative numbers are ignored. */
export function processFiguresOf(attributes: Attributes): ProcessFigures {
  const figures: ProcessFigures = {};
  for (const [field, key] of Object.entries(PROCESS_ATTRIBUTES) as [
    keyof typeof PROCESS_ATTRIBUTES,
    string,
  ][]) {
    const value = numberOf(attributes[key]);
    if (value === undefined) continue;
    // A utilization of the event loop is a share; anything past 1 is a broken or hostile exporter.
    if (field === 'eventLoopUtilization' && value > 1) continue;
    figures[field] = value;
  }
  return figures;
}

function numberOf(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** What the figures show saturated, in the order the summary names them. */
export function saturationOf(
  f: ProcessFigures,
  skewToleranceMs = 0,
  afterCallerGaveUp = false,
): SaturationKind[] {
  const kinds: SaturationKind[] = [];
  if (isLoopBlocked(f)) kinds.push('event_loop_blocked');
  const heapShare = heapShareOfLimit(f);
  // A hair of slack: 90 MiB of 100 MiB can divide to 0.8999… in floating point.
  if (heapShare !== undefined && heapShare >= T.heapUsedShareOfLimit - 1e-9) kinds.push('heap_near_limit');
  const longEnough = f.windowMs === undefined || f.windowMs >= T.minWindowMsForShares;
  if (longEnough && f.cpuUtilization !== undefined && f.cpuUtilization >= T.cpuCoresBusy)
    kinds.push('cpu_pegged');
  if (
    longEnough &&
    f.gcPauseMs !== undefined &&
    f.windowMs &&
    f.gcPauseMs / f.windowMs >= T.gcPauseShareOfWindow
  )
    kinds.push('gc_pressure');
  if (f.startLagMs !== undefined) {
    const lag = f.startLagMs - skewToleranceMs;
    if (lag >= T.lateStartMs || (afterCallerGaveUp && lag >= T.lateStartAfterCallerGaveUpMs))
      kinds.push('late_start');
  }
  return kinds;
}

function isLoopBlocked(f: ProcessFigures): boolean {
  if (f.eventLoopDelayMaxMs !== undefined && f.eventLoopDelayMaxMs >= T.blockedDelayMaxMs) return true;
  return (
    (f.windowMs === undefined || f.windowMs >= T.minWindowMsForShares) &&
    f.eventLoopUtilization !== undefined &&
    f.eventLoopUtilization >= T.busyUtilization &&
    f.eventLoopDelayP99Ms !== undefined &&
    f.eventLoopDelayP99Ms >= T.busyDelayP99Ms
  );
}

/**
 * How long after its caller's call began a server span started, on the two spans' own clocks, and the
 * skew that clock difference could account for. Raw times, not the tree's skew-corrected ones: the
 * tree moves a callee that started after its caller ended back inside it, which is exactly the lag.
 *
 * client |....X|                 <- gave up at X
 * server            |..|         <- started late: the lag is from the client's start to here
 */
export function startLagOf(
  server: TraceNode,
): { lagMs: number; toleranceMs: number; afterCallerEnded: boolean } | undefined {
  const client = server.parent;
  if (client?.span.kind !== 'CLIENT' || server.span.kind !== 'SERVER') return undefined;
  if (client.span.service === server.span.service) return undefined;
  const lagMs = Number(server.span.startTimeUnixNano - client.span.startTimeUnixNano) / NS_PER_MS;
  return {
    lagMs: Math.round(lagMs * 10) / 10,
    toleranceMs: sameHost(client.span, server.span) ? 0 : T.crossHostSkewToleranceMs,
    afterCallerEnded: server.span.startTimeUnixNano > client.span.endTimeUnixNano,
  };
}

// One host, one clock: host.id when both have it (the machine id), else host.name.
function sameHost(a: Span, b: Span): boolean {
  for (const key of ['host.id', 'host.name']) {
    const x = a.resource[key];
    const y = b.resource[key];
    if (typeof x === 'string' && typeof y === 'string' && x !== '') return x === y;
  }
  return false;
}

/**
 * The picture of a server span's process: its figures, its start lag, what was saturated. Undefined
 * when it carries no figures and did not start late (a start lag alone is only news when it is late).
 */
export function processPictureOf(server: TraceNode): ProcessPicture | undefined {
  const figures = processFiguresOf(server.span.attributes);
  const hasFigures = Object.keys(figures).length > 0;
  const lag = startLagOf(server);
  if (lag && lag.lagMs > 0 && isPlausibleLag(server, lag.afterCallerEnded)) figures.startLagMs = lag.lagMs;
  // isPlausibleLag has already set aside a start after a caller that got its answer.
  const saturated = saturationOf(figures, lag?.toleranceMs ?? 0, lag?.afterCallerEnded ?? false);
  if (!hasFigures && !saturated.includes('late_start')) return undefined;
  return { service: server.span.service, spanId: server.span.spanId, ...figures, saturated };
}

/**
 * A server span cannot have started after its caller ended if the caller received its answer: that is
 * the callee's clock running ahead, not a late start. Only a caller that got no answer (it gave up)
 * leaves a callee that started after it.
 *
 * client |......200|                         <- got the answer
 * server              |..|                   <- "started after": clock skew
 */
function isPlausibleLag(server: TraceNode, afterCallerEnded: boolean): boolean {
  if (!afterCallerEnded || !server.parent) return true;
  return httpStatusCodeOf(server.parent.span.attributes) === undefined;
}
