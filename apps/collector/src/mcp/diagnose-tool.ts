import { CAUSE_LABELS, type Diagnosis } from '@faultline/diagnosis';
import type { WireTraceOutline } from '@faultline/model';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CollectorClient } from '../client/collector-client.js';
import { evidenceLines, evidenceView } from './evidence-view.js';
import { failingSpans, focusOnFailure, type SpanRow } from './outline-view.js';
import { clip, quote } from './safe-text.js';
import { fromCollector, ToolError, toolResult } from './tool-result.js';
import { parseTraceRef, type TraceRef } from './trace-ref.js';

/** The `trace` argument every trace tool takes, described once. */
export const TRACE_ARG = z
  .string()
  .max(300)
  .describe(
    'The trace: its 32-hex-character id, or the `traceresponse` header value of the failing response (`00-<trace id>-<span id>-01`), also pasted as `curl -i` prints it (`traceresponse: 00-…`).',
  );

/** The trace an argument names, or a tool error saying what a trace id looks like. */
export function traceRefOf(input: string): TraceRef {
  const ref = parseTraceRef(input);
  if (!ref)
    throw new ToolError(
      `${quote(input, 80)} is not a trace id: give 32 hex characters, or the traceresponse header value (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>).`,
    );
  return ref;
}

/** The tool error for a trace the collector does not hold. */
export const unknownTrace = (traceId: string, baseUrl: string) =>
  `no trace ${traceId} is stored in the collector at ${baseUrl}: it may not have arrived yet (spans are exported in batches: retry in a few seconds), may have been pruned by retention, or was sent to another collector.`;

/** One span of a list as a text line. */
export function spanLine(span: SpanRow, note = ''): string {
  const status = `${span.status}${span.statusMessage ? ` ${quote(span.statusMessage, 200)}` : ''}`;
  return `- +${span.startOffsetMs} ms ${quote(span.service, 120)} ${quote(span.name)} ${span.kind} ${span.durationMs} ms ${status}${span.exception ? ' [exception]' : ''}${note} (span ${span.spanId})`;
}

/** `diagnose_trace`: the verdict on one trace, from its outline (bounded whatever the trace's size). */
export function registerDiagnoseTool(server: McpServer, client: CollectorClient): void {
  server.registerTool(
    'diagnose_trace',
    {
      title: 'Diagnose a failing request',
      description:
        "Where a failing request's error originated and why. Give the trace id or the response's `traceresponse` header. Answers the verdict (origin service and span, cause, summary), the evidence (exception with the top in-app stack frames, query, database error code/SQLSTATE, pool state, error codes, correlated logs), the failing path from the entry span to the origin, the origin's neighbouring spans, and concrete next steps. Bounded output, even for a trace of 10,000+ spans; use get_span for any span's full attributes.",
      inputSchema: { trace: TRACE_ARG },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ trace }) => {
      const { traceId, entrySpanId } = traceRefOf(trace);
      const outline = await fromCollector(
        () => client.getJson<WireTraceOutline<Diagnosis>>(`/api/traces/${traceId}/outline`),
        unknownTrace(traceId, client.baseUrl),
      );
      const totalMs = Math.round(Math.max(0, ...outline.spans.durationNs) / 1e4) / 100;
      const head = `Trace ${traceId}: ${outline.spanCount} spans, ${outline.logCount} logs, ${outline.services.length} services, ${totalMs} ms.`;
      const d = outline.diagnosis;
      if (!d) {
        const failing = failingSpans(outline);
        const lines = [
          head,
          'Verdict: the entry request did not fail (no 5xx and no error at its root), so there is no origin to find.',
          ...(failing.rows.length > 0
            ? [
                'Spans that failed inside it without failing the request (retried or handled):',
                ...failing.rows.map((s) => spanLine(s)),
              ]
            : []),
          ...(failing.cut ? [`(${failing.cut})`] : []),
          'To find failing requests: list_failures, or find_traces with hasError true.',
        ];
        return toolResult(lines, {
          traceId,
          spanCount: outline.spanCount,
          failed: false,
          failingSpans: failing.rows,
        });
      }
      const focus = focusOnFailure(outline, d);
      const evidence = evidenceView(d);
      const label = CAUSE_LABELS[d.cause] ?? d.cause;
      const origin = focus.path.find((s) => s.role === 'origin');
      const nextSteps = d.nextSteps.slice(0, 6).map((step) => clip(step, 400));
      const lines = [
        head,
        `Verdict: ${label} (cause ${d.cause}), originating in service ${quote(d.originService, 120)}, span ${origin ? quote(origin.name) : ''} (span id ${d.originSpanId}).`,
        `Summary: ${quote(d.summary, 500)}`,
        ...(entrySpanId && d.path[0] !== entrySpanId
          ? [`(The traceresponse named span ${entrySpanId}; the trace's entry is ${d.path[0] ?? 'unknown'}.)`]
          : []),
        'Evidence:',
        ...evidenceLines(evidence),
        `Failing path, entry -> origin (${d.path.length} spans):`,
        ...focus.path.map((s) => spanLine(s, ` [${s.role}]`)),
        ...(focus.parent || focus.children.length || focus.siblings.length ? ["Origin's neighbours:"] : []),
        ...(focus.parent ? [spanLine(focus.parent, ' [parent]')] : []),
        ...focus.children.map((s) => spanLine(s, ' [child]')),
        ...focus.siblings.map((s) => spanLine(s, ' [sibling]')),
        ...(focus.otherFailing.length
          ? ['Other failing spans (off the path):', ...focus.otherFailing.map((s) => spanLine(s))]
          : []),
        ...focus.cut.map((note) => `(${note})`),
        'Next steps:',
        ...nextSteps.map((step, i) => `${i + 1}. ${quote(step, 400)}`),
        `More: get_span for a span's attributes and events; compare_with_success or incident_report with this trace id.`,
      ];
      return toolResult(lines, {
        traceId,
        spanCount: outline.spanCount,
        failed: true,
        verdict: {
          cause: d.cause,
          causeLabel: label,
          originService: clip(d.originService, 120),
          originSpanId: d.originSpanId,
          originSpanName: origin?.name ?? null,
          summary: clip(d.summary, 500),
        },
        evidence,
        path: focus.path,
        neighbours: { parent: focus.parent, children: focus.children, siblings: focus.siblings },
        otherFailingSpans: focus.otherFailing,
        nextSteps,
        cut: focus.cut,
      });
    },
  );
}
