import type { WireFailures, WireTracePage } from '@faultline/model';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CollectorClient } from '../client/collector-client.js';
import { ConfigError, parseDuration } from '../config.js';
import { capList, clip, quote } from './safe-text.js';
import { fromCollector, ToolError, toolResult } from './tool-result.js';

const iso = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

/** Milliseconds since the epoch from "15m"/"2h"/"7d" (that long ago) or an ISO 8601 time. */
function sinceMs(raw: string, argument: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(raw.trim())) {
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw new ToolError(`${argument}: ${quote(raw, 60)} is not an ISO 8601 time.`);
    return ms;
  }
  try {
    return Date.now() - parseDuration(argument, raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new ToolError(`${error.message}, or an ISO 8601 time`);
    throw error;
  }
}

const SINCE = (what: string) =>
  z
    .string()
    .max(60)
    .optional()
    .describe(`${what}: a duration back from now (\`15m\`, \`2h\`, \`7d\`) or an ISO 8601 time.`);

/** `list_failures` and `find_traces`: the ways to a trace id when the agent holds none. */
export function registerSearchTools(server: McpServer, client: CollectorClient): void {
  server.registerTool(
    'list_failures',
    {
      title: 'Failure groups',
      description:
        'Failing requests grouped by where and why they failed, most recent first: origin service and operation, cause in words, exception message, count, first and last seen, service versions it failed in (and a newer version it has not failed in since), entry endpoints, and a sample trace id for diagnose_trace. Start here after a failing test run or a 500 when no trace id is at hand.',
      inputSchema: {
        window: SINCE('Only failures seen since').describe(
          'How far back: a duration (`15m`, `2h`, `7d`; default `24h`) or an ISO 8601 time.',
        ),
        service: z
          .string()
          .max(200)
          .optional()
          .describe('Only groups that originated in this service (its service.name).'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(50)
          .optional()
          .describe('Most groups to list (default 10, at most 50).'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ window, service, limit = 10 }) => {
      const since = sinceMs(window ?? '24h', 'window');
      // The API has no service filter: read enough groups to filter here.
      const answer = await fromCollector(() =>
        client.getJson<WireFailures>(`/api/failures?since=${since}&limit=${service ? 1000 : limit}`),
      );
      const matching = service ? answer.groups.filter((g) => g.originService === service) : answer.groups;
      const { shown, cut } = capList(matching, limit, 'failure groups');
      const groups = shown.map((g) => ({
        fingerprint: g.fingerprint,
        originService: clip(g.originService, 120),
        originOperation: clip(g.originOperation, 200),
        cause: g.cause,
        causeLabel: g.causeLabel,
        exception: g.exceptionType ? clip(g.exceptionType, 120) : null,
        message: g.message ? clip(g.message, 300) : null,
        summary: clip(g.summary, 400),
        count: g.count,
        firstSeen: iso(g.firstSeenUnixNano),
        lastSeen: iso(g.lastSeenUnixNano),
        versions: g.versions.slice(0, 8).map((v) => clip(v, 60)),
        firstVersion: g.firstVersion ? clip(g.firstVersion, 60) : null,
        notSeenSinceVersion: g.notSeenSince ? clip(g.notSeenSince.version, 60) : null,
        entryEndpoints: g.entryEndpoints.slice(0, 5).map((e) => clip(e, 200)),
        sampleTraceId: g.latestTraceId,
      }));
      const lines = [
        `${matching.length === 0 ? 'No' : matching.length} failure group(s) since ${new Date(since).toISOString()}${service ? ` originating in ${quote(service, 120)}` : ''}.`,
        ...groups.flatMap((g, i) => [
          `${i + 1}. ${g.causeLabel} (cause ${g.cause}) in ${quote(g.originService, 120)} › ${quote(g.originOperation)}: ${g.count} failure(s), first ${g.firstSeen}, last ${g.lastSeen}.`,
          `   ${g.exception ? `${quote(g.exception, 120)} ` : ''}${g.message ? quote(g.message, 300) : ''}`,
          `   entry ${g.entryEndpoints.map((e) => quote(e)).join(', ') || 'unknown'}; versions ${g.versions.map((v) => quote(v, 60)).join(', ') || 'unknown'}${g.notSeenSinceVersion ? `; not seen since ${quote(g.notSeenSinceVersion, 60)} started` : ''}`,
          `   sample trace ${g.sampleTraceId} (diagnose_trace), group ${g.fingerprint} (what_differs)`,
        ]),
        ...(cut ? [`(${cut})`] : []),
      ];
      return toolResult(lines, { since: new Date(since).toISOString(), groups, cut });
    },
  );

  server.registerTool(
    'find_traces',
    {
      title: 'Find traces',
      description:
        'Search stored traces, newest first, by service, HTTP route, entry status code, minimum duration, start time, errors and attribute values. Each hit gives the trace id, entry span, status, duration, span and error counts, and (for a diagnosed failure) the cause and origin service. For "the last request answered 500": status 500, limit 1; then diagnose_trace on the trace id.',
      inputSchema: {
        service: z
          .string()
          .max(200)
          .optional()
          .describe('A service the trace passed through (service.name).'),
        route: z
          .string()
          .max(300)
          .optional()
          .describe(
            'An HTTP route a span of the trace served, as recorded in http.route (e.g. `/api/orders/:id`).',
          ),
        status: z
          .number()
          .int()
          .min(100)
          .max(599)
          .optional()
          .describe("The entry (root) span's HTTP response status code, e.g. 500."),
        minDurationMs: z
          .number()
          .min(0)
          .optional()
          .describe('Only traces lasting at least this many milliseconds.'),
        since: SINCE('Only traces that started since'),
        hasError: z
          .boolean()
          .optional()
          .describe('true: only traces with a failing span; false: only traces without one.'),
        attributes: z
          .record(z.string().max(256), z.string().max(1000))
          .optional()
          .describe(
            'Span or resource attribute values the trace must have, e.g. {"service.version": "1.4.2"} (at most 8).',
          ),
        limit: z
          .number()
          .int()
          .min(1)
          .max(50)
          .optional()
          .describe('Most traces to list (default 10, at most 50).'),
        cursor: z
          .string()
          .max(500)
          .optional()
          .describe('nextCursor from a previous find_traces answer, for the next page.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const params = new URLSearchParams();
      const limit = args.limit ?? 10;
      if (args.service) params.set('service', args.service);
      if (args.route) params.append('attr', `http.route=${args.route}`);
      if (args.status !== undefined) params.set('status', String(args.status));
      if (args.minDurationMs !== undefined) params.set('minDurationMs', String(args.minDurationMs));
      if (args.since) params.set('start', String(sinceMs(args.since, 'since')));
      if (args.hasError) params.set('errors', 'true');
      const attributes = Object.entries(args.attributes ?? {});
      if (attributes.length > 8) throw new ToolError('attributes: give at most 8 attribute values.');
      for (const [key, value] of attributes) params.append('attr', `${key}=${value}`);
      // hasError false has no API filter: a page is read and the failing traces dropped here.
      params.set('limit', String(args.hasError === false ? 200 : limit));
      if (args.cursor) params.set('cursor', args.cursor);
      const answer = await fromCollector(() => client.getJson<WireTracePage>(`/api/traces?${params}`));
      const matching =
        args.hasError === false ? answer.traces.filter((t) => t.errorCount === 0) : answer.traces;
      const { shown, cut } = capList(matching, limit, 'traces');
      const traces = shown.map((t) => ({
        traceId: t.traceId,
        start: iso(t.startTimeUnixNano),
        // The wire type allows a trace without a root (the store's does): an empty name then.
        rootService: clip(t.rootService ?? '', 120),
        rootName: clip(t.rootName ?? '', 200),
        httpStatusCode: t.httpStatusCode,
        durationMs: t.durationMs,
        spanCount: t.spanCount,
        errorCount: t.errorCount,
        cause: t.cause,
        originService: t.originService ? clip(t.originService, 120) : null,
        failureGroup: t.group,
      }));
      const lines = [
        `${traces.length === 0 ? 'No' : traces.length} trace(s) found, newest first.`,
        ...traces.map(
          (t) =>
            `- ${t.traceId} ${t.start} ${quote(t.rootService, 120)} ${quote(t.rootName)} -> ${t.httpStatusCode ?? 'no HTTP status'}, ${Math.round(t.durationMs * 100) / 100} ms, ${t.spanCount} spans, ${t.errorCount} failing${t.cause ? `; cause ${t.cause} in ${quote(t.originService ?? '', 120)}` : ''}`,
        ),
        ...(cut ? [`(${cut})`] : []),
        ...(answer.cutShort
          ? ['(the search stopped early to stay fast: more traces may match; pass nextCursor to go on)']
          : []),
        ...(answer.nextCursor && !cut
          ? [`More: find_traces with cursor ${JSON.stringify(answer.nextCursor)}`]
          : []),
      ];
      return toolResult(lines, {
        traces,
        nextCursor: cut ? null : answer.nextCursor,
        cutShort: answer.cutShort,
        cut,
      });
    },
  );
}
