import type { OverRepresentedValue, TraceDiff } from '@faultline/diagnosis';
import type { WireGroupComparison, WireTraceComparison } from '@faultline/model';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CollectorClient } from '../client/collector-client.js';
import { TRACE_ARG, traceRefOf, unknownTrace } from './diagnose-tool.js';
import { capList, clip, quote } from './safe-text.js';
import { fromCollector, ToolError, toolResult } from './tool-result.js';

const ROWS = 12;

/** A capped copy of one list of a diff, its strings clipped, and the note on what was cut. */
function capped<T extends object>(items: readonly T[], what: string, cut: string[]): T[] {
  const list = capList(items, ROWS, what);
  if (list.cut) cut.push(list.cut);
  return list.shown.map(
    (item) =>
      Object.fromEntries(
        Object.entries(item).map(([k, v]) => [
          k,
          typeof v === 'string' ? clip(v, k === 'signature' ? 300 : 200) : v,
        ]),
      ) as T,
  );
}

/** `compare_with_success` and `what_differs`: what sets the failing requests apart from the good ones. */
export function registerCompareTools(server: McpServer, client: CollectorClient): void {
  server.registerTool(
    'compare_with_success',
    {
      title: 'Compare with a successful request',
      description:
        'Compares a failing trace with the nearest successful trace (in time) of the same entry operation, spans matched by their place in the tree: spans missing from the failing request (work that never happened), extra spans (retries, error handlers), spans much slower than in the success, and attribute values that changed (per-request noise left out).',
      inputSchema: { trace: TRACE_ARG },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ trace }) => {
      const { traceId } = traceRefOf(trace);
      const answer = await fromCollector(
        () => client.getJson<WireTraceComparison<TraceDiff>>(`/api/traces/${traceId}/compare`),
        unknownTrace(traceId, client.baseUrl),
      );
      if (!answer.diff || !answer.baselineTraceId) {
        return toolResult(
          [`No successful request of the same entry operation is stored to compare trace ${traceId} with.`],
          { traceId, baselineTraceId: null, diff: null },
        );
      }
      const cut: string[] = [];
      const diff: TraceDiff = {
        missingSpans: capped(answer.diff.missingSpans, 'missing spans', cut),
        extraSpans: capped(answer.diff.extraSpans, 'extra spans', cut),
        slowerSpans: capped(answer.diff.slowerSpans, 'slower spans', cut),
        attributeChanges: capped(answer.diff.attributeChanges, 'attribute changes', cut),
      };
      const lines = [
        `Trace ${traceId} (failing) against ${answer.baselineTraceId} (the nearest success of the same entry):`,
        `Missing in the failing request (${answer.diff.missingSpans.length}):`,
        ...diff.missingSpans.map((s) => `- ${quote(s.service, 120)} ${quote(s.name)} x${s.count}`),
        `Only in the failing request (${answer.diff.extraSpans.length}):`,
        ...diff.extraSpans.map((s) => `- ${quote(s.service, 120)} ${quote(s.name)} x${s.count}`),
        `Slower (${answer.diff.slowerSpans.length}):`,
        ...diff.slowerSpans.map(
          (s) => `- ${quote(s.service, 120)} ${quote(s.name)}: ${s.failingMs} ms vs ${s.baselineMs} ms`,
        ),
        `Attribute values that changed (${answer.diff.attributeChanges.length}):`,
        ...diff.attributeChanges.map(
          (c) =>
            `- ${quote(c.signature, 300)} ${quote(c.key)}: ${quote(c.failing)} (failing) vs ${quote(c.baseline)} (success)`,
        ),
        ...cut.map((note) => `(${note})`),
      ];
      return toolResult(lines, { traceId, baselineTraceId: answer.baselineTraceId, diff, cut });
    },
  );

  server.registerTool(
    'what_differs',
    {
      title: 'What differs about a failure group',
      description:
        'For a failure group (its fingerprint, from list_failures): the attribute values (service version, host, region, database, user agent…) over-represented among the group\'s failing origin spans compared with the same operation in successful requests, largest gap first. Answers "only version 1.4.3 fails" or "only host b fails".',
      inputSchema: {
        group: z
          .string()
          .max(100)
          .describe('The failure group fingerprint (16 hex characters) from list_failures.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ group }) => {
      const fingerprint = group.trim().toLowerCase();
      if (!/^[0-9a-f]{16}$/.test(fingerprint))
        throw new ToolError(
          `${quote(group, 40)} is not a failure group fingerprint: give the 16 hex characters list_failures names.`,
        );
      const answer = await fromCollector(
        () =>
          client.getJson<WireGroupComparison<OverRepresentedValue>>(`/api/failures/${fingerprint}/compare`),
        `no failure group ${fingerprint} in the collector at ${client.baseUrl} (list_failures names the current ones).`,
      );
      const cut: string[] = [];
      const values = capped(answer.overRepresented, 'values', cut);
      const pct = (share: number) => `${Math.round(share * 100)}%`;
      const lines = [
        `Group ${fingerprint}: ${quote(answer.service, 120)} ${quote(answer.operation)}, ${answer.failingCount} failing against ${answer.succeedingCount} successful spans of the same operation.`,
        values.length === 0
          ? 'No attribute value sets the failing ones apart (none is 25 points more common among failures).'
          : 'Over-represented among failures:',
        ...values.map(
          (v) =>
            `- ${quote(v.key)} = ${quote(v.value)}: ${pct(v.failingShare)} of failures, ${pct(v.baselineShare)} of successes`,
        ),
        ...cut.map((note) => `(${note})`),
      ];
      return toolResult(lines, {
        group: fingerprint,
        service: clip(answer.service, 120),
        operation: clip(answer.operation, 200),
        failingCount: answer.failingCount,
        succeedingCount: answer.succeedingCount,
        overRepresented: values,
        cut,
      });
    },
  );
}
