/*
 * Stitching a trace a proxy broke (docs/diagnosis.md, "Stitched traces"). A proxy that drops
 * `traceparent` leaves two traces: the caller's, ending in a client span that got a 5xx and has no
 * server child, and the callee's own, whose root server span holds the real cause. Nothing links them
 * but the call itself, so the match rests on what both sides recorded of it: method, path, peer and
 * time. A wrong stitch is worse than none: every condition must hold, and the match must be the only
 * one both ways (no other root fits the call as well, no other failed call fits the root as well).
 */
import type { Span } from '@faultline/model';
import {
  HTTP_REQUEST_METHOD,
  httpStatusCodeOf,
  readInteger,
  readString,
  SERVER_ADDRESS,
  SERVER_PORT,
  URL_FULL,
  URL_PATH,
} from '@faultline/model';
import { isFailingEntry } from './failing-trace.js';
import { isHttpClientSpan } from './span-roles.js';
import type { Diagnosis } from './types.js';

/** How well a root server span's timing fits a call: inside it, inside it once clocks are allowed to disagree, or not. */
export type StitchFit = 'nested' | 'skewed';

/** How far apart two services' clocks may be for their spans still to match (ns); see clock-skew.ts. */
export const DEFAULT_MAX_SKEW_NS = 500_000_000n;

/** A stitch the matcher is sure of: the callee's root span and, in words, what matched. */
export interface StitchMatch {
  root: Span;
  fit: StitchFit;
  matchedOn: string;
}

/**
 * The call a failing trace's verdict stopped at, when it could be continued in another trace: an
 * HTTP client span that got a 5xx (`uninstrumented_upstream`) or no answer (`upstream_timeout`), with
 * no span of the callee below it. Connection failures are not followed: the request never arrived.
 */
export function stitchableCall(diagnosis: Diagnosis, spans: readonly Span[]): Span | null {
  if (diagnosis.cause !== 'uninstrumented_upstream' && diagnosis.cause !== 'upstream_timeout') return null;
  const call = spans.find((s) => s.spanId === diagnosis.originSpanId);
  if (!call || !isHttpClientSpan(call)) return null;
  if (spans.some((s) => s.parentSpanId === call.spanId)) return null;
  return call;
}

/**
 * Whether `root` (a span of another trace) can be the server side of `call`, and how well its time
 * fits. Every one of method, path, peer, outcome and time must agree; missing evidence is no match.
 */
export function stitchFit(call: Span, root: Span, maxSkewNs = DEFAULT_MAX_SKEW_NS): StitchFit | null {
  if (root.kind !== 'SERVER' || root.parentSpanId !== null || root.traceId === call.traceId) return null;
  const callMethod = readString(call.attributes, HTTP_REQUEST_METHOD)?.toUpperCase();
  if (
    callMethod === undefined ||
    callMethod !== readString(root.attributes, HTTP_REQUEST_METHOD)?.toUpperCase()
  )
    return null;
  const callPath = pathOfCall(call);
  if (callPath === undefined || callPath !== pathOfServer(root)) return null;
  if (!samePeer(call, root)) return null;
  // The callee's own root is what the caller's 5xx (or silence) came from: it failed too.
  if (!isFailingEntry(root)) return null;
  return timeFit(call, root, maxSkewNs);
}

/**
 * The one root span `call` continues in, or null when none fits or the fit is not unique: among the
 * roots, only one may fit best (nested beats skewed), and among the other failed calls of the time
 * window (`rivals`, client spans of other traces), none may fit that root as well as `call` does.
 */
export function matchStitch(
  call: Span,
  roots: readonly Span[],
  rivals: readonly Span[],
  maxSkewNs = DEFAULT_MAX_SKEW_NS,
): StitchMatch | null {
  const fits = roots
    .map((root) => ({ root, fit: stitchFit(call, root, maxSkewNs) }))
    .filter((f): f is { root: Span; fit: StitchFit } => f.fit !== null);
  const best = fits.some((f) => f.fit === 'nested') ? 'nested' : 'skewed';
  const bestFits = fits.filter((f) => f.fit === best);
  // Two look-alike requests in flight together: either could be this call's; say nothing.
  if (bestFits.length !== 1) return null;
  const { root, fit } = bestFits[0]!;
  for (const rival of rivals) {
    if (rival.traceId === call.traceId) continue;
    const rivalFit = stitchFit(rival, root, maxSkewNs);
    // Another call fits this root at least as well as ours does: the root may be its answer.
    if (rivalFit === 'nested' || (rivalFit === 'skewed' && fit === 'skewed')) return null;
  }
  return { root, fit, matchedOn: describeMatch(call, root, fit) };
}

function describeMatch(call: Span, root: Span, fit: StitchFit): string {
  const method = readString(call.attributes, HTTP_REQUEST_METHOD)?.toUpperCase();
  const peer = peerOfCall(call);
  const timing =
    fit === 'nested' ? 'ran within the call' : 'ran within the call once clock skew is allowed for';
  return `${method} ${pathOfCall(call)} to ${peer?.host}:${peer?.port}: ${root.service}'s root span answered ${
    httpStatusCodeOf(root.attributes) ?? 'with an error'
  } and ${timing}`;
}

//  call  |....................|
//  root     |..........|              <- nested: the clocks agree and the root ran inside the call.
//  root  |..........|                 <- skewed: shifted by up to maxSkew it would sit inside.
function timeFit(call: Span, root: Span, maxSkewNs: bigint): StitchFit | null {
  const answered = httpStatusCodeOf(call.attributes) !== undefined;
  if (!answered) {
    // No answer (the caller gave up): the callee may have run on past the call, so only its start counts.
    if (root.startTimeUnixNano >= call.startTimeUnixNano && root.startTimeUnixNano <= call.endTimeUnixNano)
      return 'nested';
    const gap =
      root.startTimeUnixNano < call.startTimeUnixNano
        ? call.startTimeUnixNano - root.startTimeUnixNano
        : root.startTimeUnixNano - call.endTimeUnixNano;
    return gap <= maxSkewNs ? 'skewed' : null;
  }
  if (root.startTimeUnixNano >= call.startTimeUnixNano && root.endTimeUnixNano <= call.endTimeUnixNano)
    return 'nested';
  // A callee that answered cannot have taken longer than the call that waited for its answer.
  const callNs = call.endTimeUnixNano - call.startTimeUnixNano;
  const rootNs = root.endTimeUnixNano - root.startTimeUnixNano;
  if (rootNs > callNs) return null;
  const shiftNs =
    root.startTimeUnixNano < call.startTimeUnixNano
      ? call.startTimeUnixNano - root.startTimeUnixNano
      : root.endTimeUnixNano - call.endTimeUnixNano;
  return shiftNs <= maxSkewNs ? 'skewed' : null;
}

interface Peer {
  host: string;
  port: number | undefined;
}

function callUrl(call: Span): URL | undefined {
  const full = readString(call.attributes, URL_FULL);
  if (full === undefined) return undefined;
  try {
    return new URL(full);
  } catch {
    return undefined;
  }
}

/** The path the client asked for: `url.full`'s path (undici and http record the full URL). */
function pathOfCall(call: Span): string | undefined {
  const path = callUrl(call)?.pathname ?? readString(call.attributes, URL_PATH);
  return path?.split('?')[0];
}

/** The path the server answered: `url.path`, or the older `http.target` without its query. */
function pathOfServer(root: Span): string | undefined {
  return readString(root.attributes, URL_PATH)?.split('?')[0];
}

function peerOfCall(call: Span): Peer | undefined {
  const url = callUrl(call);
  const host = readString(call.attributes, SERVER_ADDRESS) ?? url?.hostname;
  if (host === undefined) return undefined;
  const port = readInteger(call.attributes, SERVER_PORT) ?? portOfUrl(url);
  return { host, port };
}

function portOfUrl(url: URL | undefined): number | undefined {
  if (!url) return undefined;
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
}

/**
 * The call went to the address the server says it was asked at (`server.address`/`server.port`, from
 * the Host header a proxy passed on). A server span without them can still be matched by the address
 * its request came from (`client.address`: a proxy connecting out from the address it listens on);
 * with neither, nothing shows the call reached this server.
 */
function samePeer(call: Span, root: Span): boolean {
  const peer = peerOfCall(call);
  if (!peer) return false;
  const serverHost = readString(root.attributes, SERVER_ADDRESS);
  if (serverHost !== undefined) {
    if (sameHost(peer.host, serverHost) === false) return false;
    const scheme = readString(root.attributes, ['url.scheme']);
    const serverPort =
      readInteger(root.attributes, SERVER_PORT) ??
      (scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined);
    return peer.port !== undefined && peer.port === serverPort;
  }
  const clientHost = readString(root.attributes, ['client.address']);
  return clientHost !== undefined && sameHost(peer.host, clientHost);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1']);

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (LOOPBACK.has(x) && LOOPBACK.has(y));
}
