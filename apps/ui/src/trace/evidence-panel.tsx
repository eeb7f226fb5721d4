import type { Diagnosis, PoolState, StackFrame } from '@faultline/diagnosis';
import { formatClockTime, formatDurationMs } from '../format/time-format.js';

/** The pool at the moment of failure in words: "2 of 2 in use, 0 idle, 3 waiting". */
export function describePool(pool: PoolState): string {
  const parts: string[] = [];
  if (pool.total !== undefined) {
    const inUse = pool.idle !== undefined ? pool.total - pool.idle : pool.total;
    parts.push(pool.max !== undefined ? `${inUse} of ${pool.max} in use` : `${pool.total} open`);
  } else if (pool.max !== undefined) parts.push(`max ${pool.max}`);
  if (pool.idle !== undefined) parts.push(`${pool.idle} idle`);
  if (pool.waiting !== undefined) parts.push(`${pool.waiting} waiting`);
  return parts.join(', ');
}

/** A stack frame as `fn (file:line:col)`. */
export function describeFrame(frame: StackFrame): string {
  const where = [frame.file, frame.line, frame.column].filter((p) => p !== undefined).join(':');
  return frame.functionName ? `${frame.functionName} (${where})` : where;
}

/** The facts behind the verdict, shown beside the banner. */
export function EvidencePanel(props: { diagnosis: Diagnosis }) {
  const { evidence } = props.diagnosis;
  const facts: [string, string, string?][] = [];
  if (evidence.exceptionType || evidence.exceptionMessage)
    facts.push(['Exception', `${evidence.exceptionType ?? 'Error'}: ${evidence.exceptionMessage ?? ''}`]);
  if (evidence.topFrame) facts.push(['In your code', describeFrame(evidence.topFrame), 'mono']);
  if (evidence.pool) facts.push(['Pool', describePool(evidence.pool)]);
  if (evidence.queryText) facts.push(['Query', evidence.queryText, 'query']);
  if (evidence.dbErrorCode)
    facts.push([evidence.dbSystem === 'postgresql' ? 'SQLSTATE' : 'DB error', evidence.dbErrorCode, 'mono']);
  if (evidence.dbSystem)
    facts.push(['Database', [evidence.dbSystem, evidence.dbNamespace].filter(Boolean).join(' / ')]);
  if (evidence.peerAddress) facts.push(['Peer', evidence.peerAddress, 'mono']);
  if (evidence.httpStatusCode !== undefined)
    facts.push([
      'HTTP',
      [evidence.httpMethod, evidence.httpRoute ?? evidence.url, evidence.httpStatusCode]
        .filter(Boolean)
        .join(' '),
    ]);
  if (evidence.upstream)
    facts.push([
      'Upstream',
      `${evidence.upstream.service} › ${evidence.upstream.name}: ${evidence.upstream.outcome} after ${formatDurationMs(evidence.upstream.durationMs)}`,
    ]);
  if (evidence.errorCodes && evidence.errorCodes.length > 0)
    facts.push(['Error codes', evidence.errorCodes.join(', '), 'mono']);
  facts.push(['Origin span', `${evidence.spanName} · ${formatDurationMs(evidence.durationMs)}`]);
  facts.push(['Why', evidence.matchedRule]);
  return (
    <section class="evidence" aria-label="Evidence" data-testid="evidence">
      <h3>Evidence</h3>
      <dl>
        {facts.map(([label, value, kind]) => (
          <div key={label} class="fact">
            <dt>{label}</dt>
            <dd class={kind}>{value}</dd>
          </div>
        ))}
      </dl>
      {evidence.pathHasGap && (
        <p class="notice">Some spans of this trace have not arrived (or were lost): the path has a gap.</p>
      )}
      {evidence.logs.length > 0 && (
        <>
          <h3>Error logs</h3>
          <ul class="evidence-logs">
            {evidence.logs.slice(0, 5).map((log, i) => (
              <li key={i}>
                <span class="muted mono">{formatClockTime(BigInt(log.timeUnixNano))}</span>{' '}
                <strong>{log.service}</strong> {log.body}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** What to check or change next for this cause, from the diagnosis. */
export function NextSteps(props: { steps: string[] }) {
  if (props.steps.length === 0) return null;
  return (
    <section class="next-steps-card" aria-label="Next steps" data-testid="next-steps">
      <h3>Next steps</h3>
      <ol class="next-steps">
        {props.steps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
    </section>
  );
}
