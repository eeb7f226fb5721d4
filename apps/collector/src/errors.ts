/**
 * Every error the collector answers with is one of these coded constants, carrying its HTTP status
 * (and, for OTLP/gRPC, the status code it maps to). Routes throw; one error handler renders.
 */
export class CollectorError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, statusCode: number, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'CollectorError';
    this.code = code;
    this.statusCode = statusCode;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Builds a factory for one coded error, so call sites read `errors.notFound('trace x')`. */
function coded(code: string, statusCode: number, retryAfterSeconds?: number) {
  return (message: string) => new CollectorError(code, statusCode, message, retryAfterSeconds);
}

/** The body could not be decoded as OTLP (truncated, wrong encoding, wrong shape). */
export const badOtlp = coded('FL_ERR_BAD_OTLP', 400);
/** The batch decoded but holds a value the store refuses; retrying it would fail the same way. */
export const unwritableBatch = coded('FL_ERR_UNWRITABLE_BATCH', 400);
/** A query parameter is malformed. */
export const badQuery = coded('FL_ERR_BAD_QUERY', 400);
/** The requested trace (or other resource) does not exist. */
export const notFound = coded('FL_ERR_NOT_FOUND', 404);
/** The request makes no sense for this resource as it is (a report of a trace that did not fail). */
export const notFailing = coded('FL_ERR_NOT_FAILING', 409);
/** The trace is too large for this answer to build whole; it can be read in parts. */
export const traceTooLarge = coded('FL_ERR_TRACE_TOO_LARGE', 422);
/** Missing or wrong bearer token. */
export const unauthorized = coded('FL_ERR_UNAUTHORIZED', 401);
/** The request's Host is not a name the collector answers to (DNS rebinding defence). */
export const hostNotAllowed = coded('FL_ERR_HOST_NOT_ALLOWED', 403);
/** The body is larger than the limit, before or after decompression. */
export const bodyTooLarge = coded('FL_ERR_BODY_TOO_LARGE', 413);
/** The content type is not one OTLP/HTTP defines. */
export const unsupportedMediaType = coded('FL_ERR_UNSUPPORTED_MEDIA_TYPE', 415);
/** The writer is behind: the client should retry (the official exporters retry 503). */
export const overloaded = coded('FL_ERR_OVERLOADED', 503, 1);
/** The store cannot write right now (disk full, database locked): retry later. */
export const storeUnavailable = coded('FL_ERR_STORE_UNAVAILABLE', 503, 5);
/** The collector is shutting down. */
export const shuttingDown = coded('FL_ERR_SHUTTING_DOWN', 503, 2);
