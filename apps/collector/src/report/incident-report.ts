import { CAUSE_LABELS, type Diagnosis } from '@faultline/diagnosis';
import { durationMsBetween, httpStatusCodeOf, type Span } from '@faultline/model';
import { mdBlock as block, mdCell as cell, mdCode as code, mdText as text } from './markdown-escape.js';
import { replayCommand } from './replay-command.js';

/** What the report says about the failure group the trace belongs to, when there is one. */
export interface GroupContext {
  count: number;
  firstSeenUnixNano: bigint;
  firstVersion: string | null;
}

const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

const PREVENTION: Record<string, string> = {
  exception:
    'Add a test reproducing the input that threw; validate inputs at the boundary; alert on new exception types.',
  db_pool_exhausted:
    'Alert on pool waiting count and checkout time; release clients in `finally`; size the pool for peak concurrency.',
  db_timeout:
    'Track slow-query percentiles; review query plans before deploys; keep statement timeouts below request timeouts.',
  db_error:
    'Run migrations before deploying code that needs them; test queries against the production schema in CI.',
  upstream_unreachable:
    'Check upstream addresses in config review; add readiness checks and alert on connection errors.',
  upstream_timeout:
    'Set timeout budgets per hop; add retries with backoff and a circuit breaker; alert on upstream latency.',
  uninstrumented_upstream:
    'Instrument the upstream (or its proxy) so its own spans explain its failures next time.',
  explicit_5xx: 'Log why the handler answered 5xx; prefer a 4xx when the client is at fault.',
  unknown: 'Add instrumentation around the failing path so the next occurrence leaves evidence.',
};

/**
 * A markdown postmortem draft for one failing trace: symptoms, origin and cause, evidence, the failing
 * path as a timeline, first seen and version, suggested fix, rollback note, prevention, and a replay
 * command. Every value from the trace is escaped for where it lands (markdown-escape.ts): code spans,
 * blocks, table cells, or backslash-escaped prose for sentences the diagnosis wrote around span data.
 */
export function incidentReport(
  spans: readonly Span[],
  diagnosis: Diagnosis,
  group: GroupContext | null,
): string {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const entry = byId.get(diagnosis.path[0] ?? '') ?? spans[0]!;
  const origin = byId.get(diagnosis.originSpanId) ?? entry;
  const e = diagnosis.evidence;
  const status = httpStatusCodeOf(entry.attributes) ?? e.entryStatusCode;
  const label = CAUSE_LABELS[diagnosis.cause];
  const out: string[] = [];
  out.push(
    `# Incident: ${status ?? 'error'} on ${code(entry.name)} — ${code(diagnosis.originService)} › ${code(origin.name)}: ${label}`,
  );
  out.push('', '## Symptoms');
  out.push(
    `- Entry: ${code(entry.service)} ${code(entry.name)} answered ${status ?? 'an error'} at ${iso(entry.startTimeUnixNano)}`,
  );
  out.push(
    `- Trace: ${code(entry.traceId)} (${spans.length} spans, ${durationMsBetween(entry.startTimeUnixNano, entry.endTimeUnixNano)} ms)`,
  );
  if (group) {
    out.push(`- ${group.count} request(s) failed the same way since ${iso(group.firstSeenUnixNano)}`);
    if (group.firstVersion) out.push(`- First seen in version ${code(group.firstVersion)}`);
  }
  out.push('', '## Origin and cause', '', text(diagnosis.summary), '');
  out.push(`- Cause: **${label}** (${code(diagnosis.cause)})`);
  out.push(`- Origin: ${code(diagnosis.originService)} › ${code(origin.name)} (span ${code(origin.spanId)})`);
  out.push(`- Rule: ${text(e.matchedRule)}`);
  out.push('', '## Evidence');
  if (e.exceptionType || e.exceptionMessage)
    out.push(`- Exception: ${code(`${e.exceptionType ?? 'Error'}: ${e.exceptionMessage ?? ''}`)}`);
  if (e.topFrame)
    out.push(
      `- Top in-app frame: ${code(`${e.topFrame.functionName ?? '<anonymous>'} (${e.topFrame.file}:${e.topFrame.line ?? '?'})`)}`,
    );
  if (e.queryText) out.push(`- Query: ${code(e.queryText)}`);
  if (e.dbErrorCode) out.push(`- Database error code: ${code(e.dbErrorCode)}`);
  if (e.peerAddress) out.push(`- Peer: ${code(e.peerAddress)}`);
  if (e.pool) out.push(`- Pool: ${code(JSON.stringify(e.pool))}`);
  if (e.stacktrace) out.push('', block(e.stacktrace));
  if (e.logs.length > 0) {
    out.push('', '### Logs');
    for (const log of e.logs) {
      out.push(
        `- ${iso(BigInt(log.timeUnixNano))} ${code(log.service)} ${log.severityText ? text(log.severityText) : log.severityNumber}: ${code(log.body)}`,
      );
    }
  }
  out.push(
    '',
    '## Failing path',
    '',
    '| at (ms) | service | span | status | role |',
    '|---|---|---|---|---|',
  );
  for (const spanId of diagnosis.path) {
    const span = byId.get(spanId);
    if (!span) continue;
    const at = durationMsBetween(entry.startTimeUnixNano, span.startTimeUnixNano);
    const role =
      spanId === diagnosis.originSpanId ? 'origin' : spanId === entry.spanId ? 'entry' : 'propagated';
    const spanStatus = httpStatusCodeOf(span.attributes) ?? span.status.code;
    out.push(
      `| +${at} | ${cell(span.service)} | ${cell(span.name)} | ${cell(String(spanStatus))} | ${role} |`,
    );
  }
  out.push('', '## Suggested fix', '', ...diagnosis.nextSteps.map((step) => `- ${text(step)}`));
  out.push('', '## Rollback');
  out.push(
    group?.firstVersion
      ? `This failure first appeared with ${code(diagnosis.originService)} ${code(group.firstVersion)}: if that release is recent, rolling back to the version before it is the fastest mitigation.`
      : 'No version information: compare the first-seen time with recent deploys and configuration changes.',
  );
  out.push('', '## Prevention', '', `- ${PREVENTION[diagnosis.cause] ?? PREVENTION.unknown}`);
  const replay = replayCommand(entry);
  out.push('', '## Reproduce', '');
  if (replay) {
    if (replay.command !== null) out.push(block(replay.command, 'sh'));
    if (replay.command !== null && replay.omitted.length > 0) out.push('');
    out.push(...replay.omitted.map((why) => `- Left out: ${text(why)}`));
  } else {
    out.push('The entry span recorded no URL, so no replay command can be given.');
  }
  return `${out.join('\n')}\n`;
}
