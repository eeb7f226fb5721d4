import { heapShareOfLimit, SATURATION_THRESHOLDS } from './process-picture.js';
import type { ProcessPicture, SaturationKind } from './saturation-types.js';

/** "640 ms", "1.4 s". */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s` : `${Math.round(ms)} ms`;
}

const MIB = 1024 * 1024;
const percent = (share: number): string => `${Math.round(share * 100)}%`;

/**
 * The saturation in words, one clause per kind: "pricing's event loop was blocked for 1.4 s and
 * pricing's heap was at 94% of its limit (241 of 256 MiB)". Plain text; the service name comes from
 * span data and is shown as text, never as markup.
 */
export function describeSaturation(p: ProcessPicture, afterCallerEnded = false): string {
  const clauses = p.saturated.map((kind) => clauseOf(kind, p, afterCallerEnded));
  if (clauses.length <= 1) return clauses.join('');
  return `${clauses.slice(0, -1).join(', ')} and ${clauses[clauses.length - 1]}`;
}

function clauseOf(kind: SaturationKind, p: ProcessPicture, afterCallerEnded: boolean): string {
  const s = p.service;
  switch (kind) {
    case 'event_loop_blocked':
      if (
        p.eventLoopDelayMaxMs !== undefined &&
        p.eventLoopDelayMaxMs >= SATURATION_THRESHOLDS.blockedDelayMaxMs
      )
        return `${s}'s event loop was blocked for ${formatMs(p.eventLoopDelayMaxMs)}`;
      return `${s}'s event loop was busy ${percent(p.eventLoopUtilization ?? 1)} of the time (p99 delay ${formatMs(p.eventLoopDelayP99Ms ?? 0)})`;
    case 'heap_near_limit': {
      const used = Math.round((p.heapUsedBytes ?? 0) / MIB);
      const limit = Math.round((p.heapLimitBytes ?? 0) / MIB);
      return `${s}'s heap was at ${percent(heapShareOfLimit(p) ?? 0)} of its limit (${used} of ${limit} MiB)`;
    }
    case 'cpu_pegged':
      return `${s}'s CPU was pegged (${percent(p.cpuUtilization ?? 0)} of a core${p.windowMs ? ` over ${formatMs(p.windowMs)}` : ''})`;
    case 'gc_pressure':
      return `${s} spent ${percent((p.gcPauseMs ?? 0) / (p.windowMs || 1))} of ${p.windowMs ? formatMs(p.windowMs) : 'the window'} in garbage collection`;
    case 'late_start':
      return `${s} only started on the request ${formatMs(p.startLagMs ?? 0)} after it was sent${afterCallerEnded ? ', after the caller had given up' : ''}`;
  }
}

/** What to do about each kind of saturation, naming the service; plain text. */
export function saturationSteps(p: ProcessPicture): string[] {
  const s = p.service;
  const steps: string[] = [];
  for (const kind of p.saturated) {
    switch (kind) {
      case 'event_loop_blocked':
        steps.push(
          `Find the synchronous work that held ${s}'s event loop (a big JSON.parse/stringify, sync crypto or fs, a long loop): profile ${s} under the same load with node --cpu-prof and open the profile in Chrome DevTools.`,
          'Move that work off the request path: a worker thread, a queue, or chunks that yield with setImmediate.',
        );
        break;
      case 'heap_near_limit':
        steps.push(
          `Raise ${s}'s heap limit (--max-old-space-size) if its working set is legitimately that large; otherwise take a heap snapshot near the limit (node --heapsnapshot-near-heap-limit=1) and find what grows.`,
        );
        break;
      case 'cpu_pegged':
        steps.push(
          `Profile ${s} with node --cpu-prof under the same load; if the work is legitimate, add instances or shed load (answer 503 with Retry-After when too many requests are in flight).`,
        );
        break;
      case 'gc_pressure':
        steps.push(
          `Cut allocation on ${s}'s hot path (node --trace-gc shows how often it collects), or raise --max-old-space-size so it collects less often.`,
        );
        break;
      case 'late_start':
        steps.push(
          `Requests waited before ${s} took them: shed load before its queue outgrows the caller's timeout (a concurrency limit, 503 with Retry-After), and check what held it at the time.`,
        );
        break;
    }
  }
  return [...new Set(steps)];
}
