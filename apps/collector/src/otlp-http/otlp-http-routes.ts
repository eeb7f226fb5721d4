import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  encodeLogsResponseProtobuf,
  encodeTracesResponseProtobuf,
  logsResponseJson,
  OtlpDecodeError,
  tracesResponseJson,
} from '@faultline/otlp';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badOtlp } from '../errors.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import { decodeContentEncoding } from './read-body.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** What the OTLP/HTTP routes need from the collector. */
export interface OtlpHttpDeps {
  queue: IngestQueue;
  maxBodyBytes: number;
}

/** True when the request was sent as protobuf (the response must be too). */
export function isProtobufRequest(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF);
}

function decodeOrThrow<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw badOtlp(error.message);
    throw error;
  }
}

/**
 * `POST /v1/traces`, `/v1/logs`, `/v1/metrics` per the OTLP/HTTP spec: protobuf or JSON, optionally
 * gzip, answered in the request's encoding. Individually invalid spans are reported through
 * `partial_success` while the valid ones of the same batch are stored.
 */
export function registerOtlpHttpRoutes(app: FastifyInstance, deps: OtlpHttpDeps): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [PROTOBUF, JSON_TYPE],
    { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );

  const readBody = async (request: FastifyRequest): Promise<Buffer> => {
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    const encoding = request.headers['content-encoding'];
    return decodeContentEncoding(raw, Array.isArray(encoding) ? encoding[0] : encoding, deps.maxBodyBytes);
  };

  const send = (reply: FastifyReply, protobuf: boolean, bytes: Uint8Array, json: object) =>
    protobuf ? reply.type(PROTOBUF).send(Buffer.from(bytes)) : reply.type(JSON_TYPE).send(json);

  app.post('/v1/traces', async (request, reply) => {
    const body = await readBody(request);
    const protobuf = isProtobufRequest(request);
    const decoded = decodeOrThrow(() =>
      protobuf ? decodeTracesProtobuf(body) : decodeTracesJson(requireJsonText(body)),
    );
    await deps.queue.enqueue(decoded.spans, []);
    const result = { rejectedSpans: decoded.rejectedSpans, errorMessage: decoded.errorMessage };
    return send(reply, protobuf, encodeTracesResponseProtobuf(result), tracesResponseJson(result));
  });

  app.post('/v1/logs', async (request, reply) => {
    const body = await readBody(request);
    const protobuf = isProtobufRequest(request);
    const decoded = decodeOrThrow(() =>
      protobuf ? decodeLogsProtobuf(body) : decodeLogsJson(requireJsonText(body)),
    );
    await deps.queue.enqueue([], decoded.logs);
    const result = { rejectedLogRecords: decoded.rejectedLogRecords, errorMessage: decoded.errorMessage };
    return send(reply, protobuf, encodeLogsResponseProtobuf(result), logsResponseJson(result));
  });

  // Metrics are out of Faultline's scope: accepted (so exporters configured for all signals do not
  // log errors) and dropped. An empty ExportMetricsServiceResponse is zero bytes / `{}`.
  app.post('/v1/metrics', async (request, reply) => {
    await readBody(request);
    return send(reply, isProtobufRequest(request), new Uint8Array(0), {});
  });
}

function requireJsonText(body: Buffer): string {
  if (body.length === 0) throw badOtlp('empty body: an OTLP/JSON request is at least "{}"');
  return body.toString('utf8');
}
