/** A trace named by a tool's caller, and the span its `traceresponse` header pointed at, if it was one. */
export interface TraceRef {
  traceId: string;
  /** The entry span id from a `traceresponse` value (the server span that answered). */
  entrySpanId: string | null;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
// W3C Trace Context level 2 `traceresponse`: version-traceid-parentid-flags.
const TRACERESPONSE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/**
 * Reads a trace id from what an agent holds after a failing request: the id itself, or the
 * `traceresponse` value every instrumented response carries, also as `curl -i` prints the line
 * (`traceresponse: 00-<trace>-<span>-01` with a trailing CR). Upper case hex is accepted. Null when
 * it is neither.
 */
export function parseTraceRef(input: string): TraceRef | null {
  let text = input.trim().toLowerCase();
  const header = /^traceresponse\s*:\s*/.exec(text);
  if (header) text = text.slice(header[0].length).trim();
  if (TRACE_ID.test(text)) return ZEROS.test(text) ? null : { traceId: text, entrySpanId: null };
  const match = TRACERESPONSE.exec(text);
  if (!match || match[1] === 'ff' || ZEROS.test(match[2]!) || ZEROS.test(match[3]!)) return null;
  return { traceId: match[2]!, entrySpanId: match[3]! };
}

/** Whether `text` is a span id: 16 lowercase hex characters, not all zero. */
export function isSpanId(text: string): boolean {
  return /^[0-9a-f]{16}$/.test(text) && !ZEROS.test(text);
}
