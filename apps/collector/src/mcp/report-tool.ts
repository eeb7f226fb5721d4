import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CollectorClient } from '../client/collector-client.js';
import { TRACE_ARG, traceRefOf, unknownTrace } from './diagnose-tool.js';
import { clip } from './safe-text.js';
import { fromCollector, MAX_TEXT_CHARS } from './tool-result.js';

/** `incident_report`: the markdown postmortem draft `faultline report` prints, bounded. */
export function registerReportTool(server: McpServer, client: CollectorClient): void {
  server.registerTool(
    'incident_report',
    {
      title: 'Incident report',
      description:
        'The markdown incident report of a failing trace, as `faultline report` prints it: symptoms, origin and cause, evidence, the failing path as a timeline, first seen and version, suggested fix, rollback note, prevention and a curl command replaying the request. For a postmortem, a PR description or an issue. Values from spans sit in code spans and fenced blocks.',
      inputSchema: { trace: TRACE_ARG },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ trace }) => {
      const { traceId } = traceRefOf(trace);
      const markdown = await fromCollector(
        () => client.getText(`/api/traces/${traceId}/report`),
        unknownTrace(traceId, client.baseUrl),
      );
      // The report escapes span data for markdown (report/markdown-escape.ts); controls are shown inert here too.
      const text = clip(markdown, MAX_TEXT_CHARS);
      return {
        content: [{ type: 'text', text }],
        structuredContent: { traceId, markdown: text, truncated: markdown.length > MAX_TEXT_CHARS },
      };
    },
  );
}
