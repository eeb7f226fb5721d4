import {
  compareTraces,
  type OverRepresentedValue,
  overRepresentedValues,
  type TraceDiff,
} from '@faultline/diagnosis';
import type { WireGroupComparison, WireTraceComparison } from '@faultline/model';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { loadTrace, sortByStart, TRACE_ANSWER_LIMITS } from './load-trace.js';

/**
 * "What differs": a failing trace against the nearest successful trace of the same entry operation,
 * and a failure group's origin spans against the same operation's spans in successful requests.
 */
export function registerCompareRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { traceId: string } }>(
    '/api/traces/:traceId/compare',
    async (request): Promise<WireTraceComparison<TraceDiff>> => {
      const { traceId, ...trace } = await loadTrace(store, request.params.traceId);
      const baselineTraceId = await store.nearestSuccessfulTrace(traceId);
      // A baseline too large to read whole is passed over like a missing one rather than built.
      const part = baselineTraceId
        ? await store.readTracePart(baselineTraceId, null, TRACE_ANSWER_LIMITS)
        : null;
      const baseline = part && part.next === null && part.omitted.length === 0 ? part : null;
      return {
        traceId,
        baselineTraceId: baseline ? baselineTraceId : null,
        diff: baseline ? compareTraces(trace.spans, sortByStart(baseline.spans)) : null,
      };
    },
  );

  app.get<{ Params: { fingerprint: string } }>(
    '/api/failures/:fingerprint/compare',
    async (request): Promise<WireGroupComparison<OverRepresentedValue>> => {
      const samples = await store.groupSamples(request.params.fingerprint);
      if (!samples) throw notFound(`no failure group ${request.params.fingerprint}`);
      return {
        fingerprint: request.params.fingerprint,
        service: samples.service,
        operation: samples.operation,
        failingCount: samples.failing.length,
        succeedingCount: samples.succeeding.length,
        overRepresented: overRepresentedValues(samples.failing, samples.succeeding),
      };
    },
  );
}
