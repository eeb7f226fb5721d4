/*
 * How the gateway answers when a call to an upstream fails, the way real gateways (nginx, Envoy)
 * do: a connection that cannot be made is 502 Bad Gateway, a call that runs out of time is 504
 * Gateway Timeout (RFC 9110 §15.6.3 and §15.6.5).
 */

/** What went wrong with an upstream call, and the status the gateway answers with. */
export interface UpstreamFailure {
  statusCode: 502 | 504;
  /** `ECONNREFUSED`, `TimeoutError`, ... for the log line. */
  code: string;
  message: string;
}

/** Classifies an error thrown by `fetch` (undici), including `AbortSignal.timeout` aborts. */
export function classifyFetchError(error: unknown): UpstreamFailure {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { statusCode: 504, code: 'TimeoutError', message: 'upstream did not answer in time' };
  }
  // undici rejects with `TypeError: fetch failed` and puts the socket error in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = readCode(cause) ?? readCode(error) ?? 'UNKNOWN';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return { statusCode: 504, code, message: 'upstream did not answer in time' };
  }
  const detail =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return { statusCode: 502, code, message: `upstream unreachable: ${detail}` };
}

function readCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
