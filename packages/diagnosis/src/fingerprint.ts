import type { Span } from '@faultline/model';
import { HTTP_ROUTE, readString } from '@faultline/model';
import { operationOf } from './span-roles.js';
import { frameIdentity } from './stack-frames.js';
import type { Diagnosis, StackFrame } from './types.js';

const MAX_MESSAGE_CHARS = 300;

/**
 * Replaces the parts of an error message that differ between occurrences of the same failure (uuids,
 * hex ids, numbers) with placeholders, so that "order 8812 not found" and "order 17 not found" group.
 * Codes such as 42P01 or SQLITE_BUSY stay: they are part of the failure's identity.
 */
export function normaliseMessage(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b(?:0x)?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\b\d+(?:\.\d+)*\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_MESSAGE_CHARS);
}

/**
 * A key under which occurrences of the same failure group: origin service, origin operation (http.route
 * or span name), cause, exception type, normalised message, and the top in-app frame without line numbers.
 * When the cause is an exception and that frame names a function, it identifies the code that broke and the operation is left out
 * (`*`): the same exception thrown by the same function, reached through different endpoints of one
 * service, is one group (as Sentry and Datadog group by frame). An anonymous frame (`at
 * /srv/routes.js:22:19`, `Object.<anonymous>`) says only which file; there the operation keeps route
 * handlers in one file apart.
 */
export function failureFingerprint(diagnosis: Diagnosis, spans: readonly Span[]): string {
  const origin = spans.find((s) => s.spanId === diagnosis.originSpanId);
  const e = diagnosis.evidence;
  const operation = origin ? (readString(origin.attributes, HTTP_ROUTE) ?? operationOf(origin)) : e.operation;
  const message = e.exceptionMessage ?? e.statusMessage ?? '';
  return [
    diagnosis.originService,
    groupsByFrame(diagnosis) ? '*' : operation,
    diagnosis.cause,
    e.exceptionType ?? '',
    normaliseMessage(message),
    e.topFrame ? frameIdentity(e.topFrame) : '',
  ].join(' | ');
}

/**
 * Only for exceptions: there the code is what broke. A database or network failure thrown through a
 * shared helper (`callService(url)`) keeps its operation, which names the query or the peer: refusals
 * from two upstreams are two problems even when one function reported both.
 */
function groupsByFrame(diagnosis: Diagnosis): boolean {
  const frame = diagnosis.evidence.topFrame;
  return diagnosis.cause === 'exception' && frame !== undefined && namesFunction(frame);
}

function namesFunction(frame: StackFrame): boolean {
  const name = frame.functionName;
  return name !== undefined && !name.includes('<anonymous>');
}
