import { diagnoseTrace } from '@faultline/diagnosis';
import type { WireImportResult } from '@faultline/model';
import {
  decodeLogsJson,
  decodeTracesJson,
  encodeLogsJson,
  encodeTracesJson,
  OtlpDecodeError,
} from '@faultline/otlp';
import type { FastifyInstance } from 'fastify';
import { badOtlp } from '../errors.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import type { Store } from '../store/store.js';
import { loadTrace } from './load-trace.js';

/**
 * One file per trace that re-imports into any Faultline: an OTLP/JSON ExportTraceServiceRequest
 * (`resourceSpans`) that also carries the trace's logs (`resourceLogs`, as in an
 * ExportLogsServiceRequest) and, under `faultline`, the verdict at export time. OTLP/JSON readers
 * ignore fields they do not know, so the file is also plain OTLP for other tools.
 */
export function registerExportRoutes(
  app: FastifyInstance,
  store: Store,
  queue: IngestQueue,
  maxBodyBytes: number,
): void {
  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId/export', async (request, reply) => {
    const { traceId, ...trace } = await loadTrace(store, request.params.traceId);
    reply.header('content-disposition', `attachment; filename="trace-${traceId}.json"`);
    return {
      faultline: {
        format: 1,
        traceId,
        exportedAt: new Date().toISOString(),
        diagnosis: diagnoseTrace(trace.spans, trace.logs),
      },
      ...encodeTracesJson(trace.spans),
      ...encodeLogsJson(trace.logs),
    };
  });

  // Takes an exported file (or any OTLP/JSON traces and/or logs request) and stores what it holds.
  // The body is kept as text and decoded once by the OTLP/JSON decoder, which bounds nesting: parsed
  // to objects first and stringified again, a body nested 2,000 deep overflowed the stack in
  // JSON.stringify (a 500), and secure-json-parse's prototype scan recurses as deep as the body.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: maxBodyBytes },
      (_request, body, done) => done(null, body),
    );
    scope.post('/api/import', { bodyLimit: maxBodyBytes }, async (request): Promise<WireImportResult> => {
      const text = typeof request.body === 'string' ? request.body : '';
      try {
        const traces = decodeTracesJson(text);
        const logs = decodeLogsJson(text);
        if (traces.spans.length === 0 && logs.logs.length === 0) {
          throw badOtlp(
            'the file holds no spans or log records (expected OTLP/JSON resourceSpans or resourceLogs)',
          );
        }
        await queue.enqueue(traces.spans, logs.logs);
        return {
          traceIds: [...new Set(traces.spans.map((s) => s.traceId))],
          spans: traces.spans.length,
          logs: logs.logs.length,
          rejectedSpans: traces.rejectedSpans,
        };
      } catch (error) {
        if (error instanceof OtlpDecodeError) throw badOtlp(error.message);
        throw error;
      }
    });
  });
}
