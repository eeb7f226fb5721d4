import type { Span } from '@faultline/model';
import { HTTP_ROUTE, readString } from '@faultline/model';
import type { OriginSearch } from './find-origin.js';
import { processPictureOf, startLagOf } from './process-picture.js';
import type { ProcessPicture } from './saturation-types.js';
import { describeSaturation, formatMs, saturationSteps } from './saturation-words.js';
import { isHttpClientSpan, operationOf } from './span-roles.js';
import type { TraceNode } from './trace-tree.js';
import type { Diagnosis } from './types.js';

/** A failed call this long is a slow failure: its callee's saturation may be why, whatever the error said. */
const SLOW_CALL_MS = 1000;
const MAX_NEXT_STEPS = 7;

/**
 * Adds what the processes on the failing path looked like when it failed (issue 24), and lets a
 * saturated process into the verdict:
 *
 * - a call that timed out (or failed slowly) whose callee was saturated or took the request late names
 *   the callee: the origin moves to the callee's server span, the cause stays `upstream_timeout` (or
 *   what it was), and the summary says what was saturated. Motivating case: pricing's event loop was
 *   held for 1.4 s by a synchronous JSON.parse; the gateway's 300 ms fetch timed out and the verdict
 *   blamed the gateway's call;
 *
 *   gateway fetch |...X|                         <- timed out at 300 ms
 *   pricing server            |..|               <- started 1.4 s late: its loop was blocked
 *
 * - a failure in a process that was itself saturated keeps its own cause and carries the saturation
 *   as evidence and as a sentence of the summary.
 *
 * Healthy figures change nothing but `processes`.
 */
export function withSaturation(d: Diagnosis, search: OriginSearch): Diagnosis {
  const processes = picturesAlong(search.path);
  const callee = saturatedCallee(d, search.origin);
  if (callee) return blameCallee(d, search.origin, callee.node, callee.picture, processes);
  const own = ownProcessOf(search);
  const picture = own && processPictureOf(own);
  const result: Diagnosis = processes.length > 0 ? { ...d, processes } : d;
  // A process that failed by itself is judged by its own figures: a late start alone (its caller's
  // connection set-up, a cold start) says nothing about why it failed.
  if (!picture?.saturated.some((kind) => kind !== 'late_start')) return result;
  const description = describeSaturation(picture);
  return {
    ...result,
    summary: `${d.summary} When it failed, ${description}.`,
    evidence: withSaturationEvidence(d, picture, 'own', description),
    nextSteps: [...new Set([...d.nextSteps, ...saturationSteps(picture)])].slice(0, MAX_NEXT_STEPS),
  };
}

function saturatedCallee(
  d: Diagnosis,
  origin: TraceNode,
): { node: TraceNode; picture: ProcessPicture } | undefined {
  if (!isHttpClientSpan(origin.span)) return undefined;
  if (d.cause !== 'upstream_timeout' && d.evidence.durationMs < SLOW_CALL_MS) return undefined;
  const node = origin.children.find(
    (c) => c.span.kind === 'SERVER' && c.span.service !== origin.span.service,
  );
  const picture = node && processPictureOf(node);
  if (!node || !picture || picture.saturated.length === 0) return undefined;
  return { node, picture };
}

function blameCallee(
  d: Diagnosis,
  call: TraceNode,
  callee: TraceNode,
  picture: ProcessPicture,
  processes: ProcessPicture[],
): Diagnosis {
  const lag = startLagOf(callee);
  const description = describeSaturation(picture, lag?.afterCallerEnded ?? false);
  const status = d.evidence.entryStatusCode ?? 'Failure';
  const failed = d.cause === 'upstream_timeout' ? 'timed out' : 'failed';
  const waited = `the call from ${call.span.service} ${failed} after ${formatMs(d.evidence.durationMs)} waiting for it`;
  const evidence = withSaturationEvidence(d, picture, 'callee', description);
  evidence.matchedRule = `${d.evidence.matchedRule}; ${description}`;
  // The group is the callee's operation when it has a route; a path (GET /price/42) would split one
  // failure into a group per id, so without a route the call's operation stays.
  const route = readString(callee.span.attributes, HTTP_ROUTE);
  if (route !== undefined) {
    evidence.operation = serverOperationOf(callee.span);
    evidence.httpRoute = route;
  }
  return {
    ...d,
    originSpanId: callee.span.spanId,
    originService: callee.span.service,
    summary: `${status} originated in ${callee.span.service} › ${serverOperationOf(callee.span)}: ${description}; ${waited}.`,
    path: [...d.path, callee.span.spanId],
    evidence,
    nextSteps: [...new Set([...saturationSteps(picture), ...d.nextSteps])].slice(0, MAX_NEXT_STEPS),
    processes: [...processes.filter((p) => p.service !== picture.service), picture],
  };
}

function withSaturationEvidence(
  d: Diagnosis,
  picture: ProcessPicture,
  role: 'callee' | 'own',
  description: string,
): Diagnosis['evidence'] {
  const evidence = { ...d.evidence, saturation: { ...picture, role, description } };
  if (picture.startLagMs !== undefined && picture.saturated.includes('late_start'))
    evidence.startLagMs = picture.startLagMs;
  return evidence;
}

/** The server span of the origin's own process: the origin itself, or the nearest SERVER span above it in its service. */
function ownProcessOf(search: OriginSearch): TraceNode | undefined {
  const service = search.origin.span.service;
  for (let i = search.path.length - 1; i >= 0; i--) {
    const node = search.path[i]!;
    if (node.span.service !== service) return undefined;
    if (node.span.kind === 'SERVER') return node;
  }
  return undefined;
}

/** One picture per service on the path, from its server span nearest the failure, in path order. */
function picturesAlong(path: readonly TraceNode[]): ProcessPicture[] {
  const byService = new Map<string, ProcessPicture>();
  for (const node of path) {
    if (node.span.kind !== 'SERVER') continue;
    const picture = processPictureOf(node);
    if (!picture) continue;
    byService.delete(picture.service);
    byService.set(picture.service, picture);
  }
  return [...byService.values()];
}

/**
 * "GET /price/:id": a server span that never reached its router (it was parsed after its caller had
 * gone) is named by its method alone; its path says which request it was.
 */
function serverOperationOf(span: Span): string {
  const name = operationOf(span);
  if (name.includes(' ')) return name;
  const target =
    readString(span.attributes, HTTP_ROUTE) ?? readString(span.attributes, ['url.path', 'http.target']);
  return target ? `${name} ${target}` : name;
}
