import { isInAppFrame, parseStack } from '@faultline/diagnosis';
import type { WireLogRecord, WireSpan } from '@faultline/model';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CollectorClient } from '../client/collector-client.js';
import { TRACE_ARG, traceRefOf } from './diagnose-tool.js';
import { boundedValue, capList, clip, quote } from './safe-text.js';
import { fromCollector, ToolError, toolResult } from './tool-result.js';
import { isSpanId } from './trace-ref.js';

const ATTRIBUTES = 40;
const EVENTS = 12;
const LOGS = 12;
const STACK_LINES = 12;

interface SpanAnswer {
  span: WireSpan;
  logs: WireLogRecord[];
  truncated?: boolean;
  omitted?: { field: string; storedBytes: number }[];
}

/** A bounded copy of an attribute map and the note saying how many keys were left out. */
function boundedAttributes(attributes: Record<string, unknown>, max: number) {
  const entries = capList(Object.entries(attributes), max, 'attributes');
  return {
    attributes: Object.fromEntries(entries.shown.map(([k, v]) => [clip(k, 200), boundedValue(v)])),
    cut: entries.cut,
  };
}

/** An exception event's stack: its first lines and the in-app frames among them. */
function stackOf(attributes: Record<string, unknown>) {
  const stack =
    typeof attributes['exception.stacktrace'] === 'string' ? attributes['exception.stacktrace'] : '';
  if (!stack) return null;
  const lines = stack.split('\n');
  return {
    firstLines: lines.slice(0, STACK_LINES).map((line) => clip(line, 300)),
    linesCut: Math.max(0, lines.length - STACK_LINES),
    inAppFrames: parseStack(stack).filter(isInAppFrame).slice(0, 5),
  };
}

/** `get_span`: one span's details on demand, every list and string capped. */
export function registerSpanTool(server: McpServer, client: CollectorClient): void {
  server.registerTool(
    'get_span',
    {
      title: 'Span details',
      description:
        "One span's details: timing, status, attributes (HTTP, database, messaging…), resource (service version, host), events (exceptions with their stack trace's first lines and in-app frames) and the logs written under it. Use it for a span named by diagnose_trace or find_traces; each list is capped and says how much it left out.",
      inputSchema: {
        trace: TRACE_ARG,
        spanId: z.string().max(100).describe('The span id: 16 hex characters.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ trace, spanId: rawSpanId }) => {
      const { traceId } = traceRefOf(trace);
      const spanId = rawSpanId.trim().toLowerCase();
      if (!isSpanId(spanId))
        throw new ToolError(`${quote(rawSpanId, 40)} is not a span id: give 16 hex characters.`);
      const answer = await fromCollector(
        () => client.getJson<SpanAnswer>(`/api/traces/${traceId}/spans/${spanId}`),
        `no span ${spanId} in trace ${traceId} is stored in the collector at ${client.baseUrl} (check both ids; diagnose_trace lists the spans that matter).`,
      );
      const { span } = answer;
      const cut: string[] = [];
      const attrs = boundedAttributes(span.attributes, ATTRIBUTES);
      if (attrs.cut) cut.push(attrs.cut);
      const resource = boundedAttributes(span.resource, 20);
      if (resource.cut) cut.push(`resource: ${resource.cut}`);
      const events = capList(span.events, EVENTS, 'events');
      if (events.cut) cut.push(events.cut);
      const logs = capList(answer.logs, LOGS, 'logs');
      if (logs.cut || answer.truncated) cut.push(logs.cut ?? 'more logs not read');
      for (const o of answer.omitted ?? [])
        cut.push(`${o.field} (${o.storedBytes} bytes stored) not sent by the collector`);
      const eventViews = events.shown.map((event) => ({
        name: clip(event.name, 200),
        timeUnixNano: event.timeUnixNano,
        attributes: boundedAttributes(
          Object.fromEntries(Object.entries(event.attributes).filter(([k]) => k !== 'exception.stacktrace')),
          20,
        ).attributes,
        stack: stackOf(event.attributes),
      }));
      const logViews = logs.shown.map((log) => ({
        timeUnixNano: log.timeUnixNano,
        severity: clip(log.severityText || String(log.severityNumber), 20),
        body: clip(typeof log.body === 'string' ? log.body : (JSON.stringify(log.body) ?? ''), 400),
      }));
      const lines = [
        `Span ${span.spanId} of trace ${traceId}: ${quote(span.service, 120)} ${quote(span.name)} ${span.kind}, ${span.durationMs} ms, status ${span.status.code}${span.status.message ? ` ${quote(span.status.message, 300)}` : ''}, parent ${span.parentSpanId ?? 'none (a root)'}.`,
        'Attributes:',
        ...Object.entries(attrs.attributes).map(([k, v]) => `- ${quote(k, 200)}: ${quote(v, 300)}`),
        'Resource:',
        ...Object.entries(resource.attributes).map(([k, v]) => `- ${quote(k, 200)}: ${quote(v, 200)}`),
        ...(eventViews.length ? ['Events:'] : []),
        ...eventViews.flatMap((event) => [
          `- ${quote(event.name)} ${quote(event.attributes, 600)}`,
          ...(event.stack
            ? [
                `  stack (first lines${event.stack.linesCut ? `, ${event.stack.linesCut} more cut` : ''}):`,
                ...event.stack.firstLines.map((line) => `  ${quote(line, 300)}`),
              ]
            : []),
        ]),
        ...(logViews.length ? ['Logs:'] : []),
        ...logViews.map((log) => `- ${quote(log.severity)}: ${quote(log.body, 400)}`),
        ...cut.map((note) => `(${note})`),
      ];
      return toolResult(lines, {
        traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        service: clip(span.service, 120),
        name: clip(span.name, 200),
        kind: span.kind,
        startTimeUnixNano: span.startTimeUnixNano,
        durationMs: span.durationMs,
        status: {
          code: span.status.code,
          message: span.status.message ? clip(span.status.message, 300) : null,
        },
        attributes: attrs.attributes,
        resource: resource.attributes,
        events: eventViews,
        links: span.links.length,
        logs: logViews,
        cut,
      });
    },
  );
}
