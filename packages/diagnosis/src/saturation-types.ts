/**
 * The shapes saturation adds to the verdict (issue 24). JSON-safe like the rest of the verdict: the
 * collector stores it and the UI reads it without the span's attributes.
 */

/** What was saturated, each judged by one threshold (docs/diagnosis.md, "Saturation"). */
export type SaturationKind =
  | 'event_loop_blocked'
  | 'heap_near_limit'
  | 'cpu_pegged'
  | 'gc_pressure'
  | 'late_start';

/** The process figures a server span carried (`faultline.process.*`), each only when recorded. */
export interface ProcessFigures {
  windowMs?: number;
  eventLoopDelayMaxMs?: number;
  eventLoopDelayP99Ms?: number;
  /** 0..1 over the window. */
  eventLoopUtilization?: number;
  /** Process CPU time over wall time (1.0 = one core busy). */
  cpuUtilization?: number;
  cpuCount?: number;
  heapUsedBytes?: number;
  heapLimitBytes?: number;
  rssBytes?: number;
  gcPauseMs?: number;
  activeRequests?: number;
  /** How long after its caller's call began this server span started (raw clocks), when it has a caller. */
  startLagMs?: number;
}

/** One process on the failing path at the moment it failed: whose, which span, figures, what was saturated. */
export interface ProcessPicture extends ProcessFigures {
  service: string;
  /** The SERVER span whose attributes carried the figures. */
  spanId: string;
  /** Empty when every figure was healthy. */
  saturated: SaturationKind[];
}

/** The saturation a verdict rests on: the saturated process, and whether it was the callee or the failing process itself. */
export interface SaturationEvidence extends ProcessPicture {
  /** `callee`: the called service was saturated and the call failed waiting for it; `own`: the failing process was. */
  role: 'callee' | 'own';
  /** The saturation in words ("pricing's event loop was blocked for 1.4 s"). */
  description: string;
}
