import { DB_QUERY_TEXT, httpStatusCodeOf, readString, URL_FULL } from '@faultline/model';
import { isClientError4xx } from './error-span.js';
import { exceptionOf } from './exception-event.js';
import { isHttpClientSpan } from './span-roles.js';
import type { TraceNode } from './trace-tree.js';

/** A failing descendant that may explain its ancestor's failure. */
export interface Candidate {
  node: TraceNode;
}

/** A failure below a span, sorted by whether it can explain that span's failure. */
export interface CandidateSet {
  /** Failing descendants that ended before the ancestor ended: each could be the reason it failed. */
  explaining: Candidate[];
  /** Failing descendants that cannot be the reason: recovered by a retry, a 4xx answer, or ended too late. */
  unrelated: { node: TraceNode; why: string }[];
  /** HTTP calls that never got an answer and did not fail by themselves (an aborted fetch ends UNSET). */
  unanswered: Candidate[];
  /** Calls below the parent that succeeded (another service's span, or a CLIENT span that got its answer). */
  succeeded: TraceNode[];
}

const ONE_MS = 1_000_000n;
const NO_NODES: ReadonlySet<TraceNode> = new Set();

/**
 * How far past its parent's end a child may end and still explain it. Ends are recorded by separate
 * callbacks (a framework ends the handler span in `next(err)`, the server span on response finish), so
 * a child can end a hair after its parent on a busy event loop.
 */
export function endToleranceNs(node: TraceNode): bigint {
  const onePercent = (node.endNs - node.startNs) / 100n;
  return onePercent > ONE_MS ? onePercent : ONE_MS;
}

/**
 * When the span failed: the time it recorded its exception, else its end (both skew-corrected).
 *
 * handler |......X.........|      <- threw at X, then ran cleanup until its end
 * call A    |..X|                 <- failed before X: may be what it threw
 * call B       |.......X|         <- failed after X: not the reason
 */
export function failureTimeNs(node: TraceNode): bigint {
  const exception = exceptionOf(node.span);
  if (!exception) return node.endNs;
  const recordedNs = exception.timeUnixNano + (node.startNs - node.span.startTimeUnixNano);
  // An event stamped outside its own span is a broken clock or exporter: trust the end instead.
  return recordedNs >= node.startNs && recordedNs < node.endNs ? recordedNs : node.endNs;
}

/**
 * The failing descendants directly below `parent`: its failing children, and failing spans under
 * non-failing INTERNAL spans of the same service. That second case is Express and Fastify: a handler
 * catches a pg error and answers `res.status(500)`, so the handler's span is fine while the query
 * below it failed and the 500 still comes from it.
 */
export function failingCandidates(parent: TraceNode): CandidateSet {
  const set: CandidateSet = { explaining: [], unrelated: [], unanswered: [], succeeded: [] };
  const latestEndNs = failureTimeNs(parent) + endToleranceNs(parent);
  const stack: TraceNode[] = [parent];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const recovered = recoveredAttempts(node.children);
    for (const child of node.children) {
      if (child.failed) {
        if (isClientError4xx(child.span)) {
          set.unrelated.push({
            node: child,
            why: `answered HTTP ${httpStatusCodeOf(child.span.attributes)}`,
          });
        } else if (recovered.has(child)) {
          set.unrelated.push({ node: child, why: 'a later attempt of the same call succeeded' });
        } else if (child.endNs > latestEndNs && !isRemoteHandlerOf(child, node)) {
          // parent |..........X|
          // child      |..............X|   <- failed after its parent had already failed: not the reason.
          set.unrelated.push({ node: child, why: `failed after ${parent.span.name} had failed` });
        } else {
          set.explaining.push({ node: child });
        }
      } else if (isTransparent(child, parent)) {
        stack.push(child);
      } else if (isUnanswered(child)) {
        if (child.endNs <= latestEndNs) set.unanswered.push({ node: child });
      } else set.succeeded.push(child);
    }
  }
  return set;
}

/**
 * A SERVER span in another service directly under a CLIENT span that received an HTTP status is the
 * handler of that very call: what it answered is what the client received, so its failure explains
 * the client's whatever the end order. The server span ends when the response has been flushed, which
 * on a busy event loop is often a few milliseconds after the caller already read the status and ended
 * its own span:
 *
 * client  |.........X|           <- got the 500, ended
 * server    |.........X...|      <- answered 500, ended after flushing: still the reason
 */
function isRemoteHandlerOf(child: TraceNode, parent: TraceNode): boolean {
  if (
    parent.span.kind !== 'CLIENT' ||
    child.span.kind !== 'SERVER' ||
    child.span.service === parent.span.service
  ) {
    return false;
  }
  // Only when the client really received the answer: a client that timed out got nothing from a
  // server that failed later (that server is mentioned, not blamed).
  const received = httpStatusCodeOf(parent.span.attributes);
  const answered = httpStatusCodeOf(child.span.attributes);
  return received !== undefined && (answered === undefined || answered === received);
}

function isTransparent(child: TraceNode, parent: TraceNode): boolean {
  const kind = child.span.kind;
  return child.span.service === parent.span.service && (kind === 'INTERNAL' || kind === 'UNSPECIFIED');
}

function isUnanswered(node: TraceNode): boolean {
  return isHttpClientSpan(node.span) && httpStatusCodeOf(node.span.attributes) === undefined;
}

/**
 * Failing siblings followed by a later, successful attempt of the same call (same name, kind, URL and
 * query). Motivating case: the gateway retries GET /orders/1, the first attempt gets a 503, the second a
 * 200; the first is history, not the reason the request later failed.
 */
function recoveredAttempts(siblings: readonly TraceNode[]): ReadonlySet<TraceNode> {
  if (!siblings.some((s) => s.failed)) return NO_NODES;
  const recovered = new Set<TraceNode>();
  const succeededLater = new Set<string>();
  for (let i = siblings.length - 1; i >= 0; i--) {
    const sibling = siblings[i]!;
    const key = attemptKey(sibling);
    if (!sibling.failed) succeededLater.add(key);
    else if (succeededLater.has(key)) recovered.add(sibling);
  }
  return recovered;
}

function attemptKey(node: TraceNode): string {
  const { span } = node;
  const target = readString(span.attributes, URL_FULL) ?? readString(span.attributes, DB_QUERY_TEXT) ?? '';
  return `${span.kind}\u0000${span.name}\u0000${target}`;
}

/** The spans from just below `ancestor` down to `node`, in that order. */
export function chainBelow(ancestor: TraceNode, node: TraceNode): TraceNode[] {
  const chain: TraceNode[] = [];
  for (let n: TraceNode | null = node; n && n !== ancestor; n = n.parent) chain.push(n);
  return chain.reverse();
}
