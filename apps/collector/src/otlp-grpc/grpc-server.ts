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
import type { IngestQueue } from '../ingest/ingest-queue.js';

/** What the OTLP/gRPC receiver needs from the collector. */
export interface GrpcDeps {
  queue: IngestQueue;
  maxBodyBytes: number;
  token: string | undefined;
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
    // UNAVAILABLE is retryable for the official exporters; RESOURCE_EXHAUSTED only with retry info.
    if (error.statusCode === 503) return { code: grpc.status.UNAVAILABLE, details: error.message };
    if (error.statusCode === 401) return { code: grpc.status.UNAUTHENTICATED, details: error.message };
    if (error.statusCode === 413) return { code: grpc.status.RESOURCE_EXHAUSTED, details: error.message };
    if (error.statusCode < 500) return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error; see the collector log' };
}

/** Builds the OTLP/gRPC server (TraceService and LogsService); `bindGrpc` starts it. */
export function buildGrpcServer(deps: GrpcDeps): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': deps.maxBodyBytes,
    'grpc.max_send_message_length': 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
  });
  const handle =
    (work: (bytes: Buffer) => Promise<Uint8Array>): grpc.handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      if (deps.token !== undefined) {
        const header = call.metadata.get('authorization')[0];
        if (!tokenMatches(bearerToken(typeof header === 'string' ? header : undefined), deps.token)) {
          callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token' });
          return;
        }
      }
      work(call.request).then(
        (bytes) => callback(null, Buffer.from(bytes)),
        (error: unknown) => callback(grpcStatusFor(error)),
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

/** Binds the gRPC server; resolves with the bound port (useful with port 0 in tests). */
export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}
