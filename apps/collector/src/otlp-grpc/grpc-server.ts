import {
  decodeLogsProtobuf,
  decodeTracesProtobuf,
  encodeLogsResponseProtobuf,
  encodeTracesResponseProtobuf,
  OtlpDecodeError,
} from '@faultline/otlp';
import * as grpc from '@grpc/grpc-js';
import { bearerToken, tokenMatches } from '../auth.js';
import { CollectorError } from '../errors.js';
import type { HostAllowlist } from '../host-check.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import type { RateLimitedLog } from '../rate-limited-log.js';
import type { CallTracker } from './grpc-listener.js';

/** What the OTLP/gRPC receiver needs from the collector. */
export interface GrpcDeps {
  queue: IngestQueue;
  maxBodyBytes: number;
  token: string | undefined;
  /** The names `:authority` may carry (DNS rebinding defence, as on the HTTP ports). */
  allowedHosts: HostAllowlist;
  /** Where refusals and internal errors are logged. */
  log: RateLimitedLog;
  /** Keeps sessions with a call in flight from being evicted at the connection cap. */
  calls: CallTracker;
}

const identity = (buffer: Buffer): Buffer => buffer;

/**
 * A unary method whose request stays raw bytes: grpc-js accepts a service definition with our own
 * (de)serialisers, so our single-pass decoder runs on the bytes and no proto-loader is needed.
 * Paths per opentelemetry-proto collector/{trace,logs}/v1/*_service.proto.
 */
function unary(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

const TRACE_SERVICE = { Export: unary('/opentelemetry.proto.collector.trace.v1.TraceService/Export') };
const LOGS_SERVICE = { Export: unary('/opentelemetry.proto.collector.logs.v1.LogsService/Export') };

function grpcStatusFor(error: unknown): { code: grpc.status; details: string } {
  if (error instanceof OtlpDecodeError) return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof CollectorError) {
    if (error.statusCode === 403) return { code: grpc.status.PERMISSION_DENIED, details: error.message };
    // UNAVAILABLE is retryable for the official exporters; RESOURCE_EXHAUSTED only with retry info.
    if (error.statusCode === 503) return { code: grpc.status.UNAVAILABLE, details: error.message };
    if (error.statusCode === 401) return { code: grpc.status.UNAUTHENTICATED, details: error.message };
    if (error.statusCode === 413) return { code: grpc.status.RESOURCE_EXHAUSTED, details: error.message };
    if (error.statusCode < 500) return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error; see the collector log' };
}

/** Why a call is refused before its body is looked at, or undefined to let it through. */
function refusal(call: grpc.ServerUnaryCall<Buffer, Buffer>, deps: GrpcDeps) {
  const authority = call.getHost();
  if (!deps.allowedHosts.allows(authority)) {
    return {
      code: grpc.status.PERMISSION_DENIED,
      details: `:authority "${authority.slice(0, 100)}" is not allowed (DNS rebinding defence); add it with --allowed-hosts`,
      kind: 'FL_ERR_HOST_NOT_ALLOWED',
    };
  }
  if (deps.token === undefined) return undefined;
  const header = call.metadata.get('authorization')[0];
  if (tokenMatches(bearerToken(typeof header === 'string' ? header : undefined), deps.token))
    return undefined;
  return {
    code: grpc.status.UNAUTHENTICATED,
    details: 'missing or wrong bearer token',
    kind: 'FL_ERR_UNAUTHORIZED',
  };
}

/**
 * One line per failed call, as the HTTP error handler writes them: an internal error with its stack,
 * a refusal with its code; a decode error's message may quote span data, so it is left out.
 */
function logFailure(log: RateLimitedLog, status: { code: grpc.status; details: string }, error: unknown) {
  const fields = { listener: 'otlp-grpc', grpcCode: status.code };
  if (status.code === grpc.status.INTERNAL)
    log.error('FL_ERR_INTERNAL', { ...fields, err: error }, 'gRPC export failed');
  else if (status.code === grpc.status.INVALID_ARGUMENT)
    log.warn('INVALID_ARGUMENT', fields, 'refused (message at --log-level debug)');
  else log.warn(String(status.code), fields, status.details);
}

/** Builds the OTLP/gRPC server (TraceService and LogsService); `GrpcListener` serves it. */
export function buildGrpcServer(deps: GrpcDeps): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': deps.maxBodyBytes,
    'grpc.max_send_message_length': 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
    // An exporter has one Export in flight per channel; 100 streams is plenty and bounds one session.
    'grpc.max_concurrent_streams': 100,
    // A session without a call this long is closed (GOAWAY); an exporter reconnects on its next export.
    'grpc.max_connection_idle_ms': 60_000,
  });
  const handle =
    (work: (bytes: Buffer) => Promise<Uint8Array>): grpc.handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      const refused = refusal(call, deps);
      if (refused) {
        deps.log.warn(
          refused.kind,
          { listener: 'otlp-grpc', code: refused.kind, peer: call.getPeer() },
          refused.details,
        );
        callback({ code: refused.code, details: refused.details });
        return;
      }
      const peer = call.getPeer();
      deps.calls.callStarted(peer);
      work(call.request).then(
        (bytes) => {
          deps.calls.callEnded(peer);
          callback(null, Buffer.from(bytes));
        },
        (error: unknown) => {
          deps.calls.callEnded(peer);
          const status = grpcStatusFor(error);
          logFailure(deps.log, status, error);
          callback(status);
        },
      );
    };
  server.addService(TRACE_SERVICE, {
    Export: handle(async (bytes) => {
      const decoded = decodeTracesProtobuf(bytes);
      await deps.queue.enqueue(decoded.spans, []);
      return encodeTracesResponseProtobuf(decoded);
    }),
  });
  server.addService(LOGS_SERVICE, {
    Export: handle(async (bytes) => {
      const decoded = decodeLogsProtobuf(bytes);
      await deps.queue.enqueue([], decoded.logs);
      return encodeLogsResponseProtobuf(decoded);
    }),
  });
  return server;
}
