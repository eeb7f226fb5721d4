import type { AttributeChange, SlowerSpan, SpanPresence, TraceDiff } from '@faultline/diagnosis';
import type { ComponentChildren } from 'preact';
import { formatCount } from '../format/count-format.js';
import { serviceStyle } from '../format/service-colour.js';
import { formatDurationMs } from '../format/time-format.js';
import { splitSlowerSpans } from './slower-spans.js';
import { parseSignature } from './span-signature.js';

/** A span by its place in the trace: its own service and name, and the chain above it, muted. */
function SpanPlace(props: { signature: string; count?: number }) {
  const steps = parseSignature(props.signature);
  const leaf = steps.at(-1)!;
  const above = steps.slice(0, -1).map((s) => `${s.service} › ${s.name}`);
  return (
    <span class="span-place" title={steps.map((s) => `${s.service} › ${s.name}`).join('\n')}>
      <span class="service-chip small" style={serviceStyle(leaf.service)}>
        {leaf.service}
      </span>{' '}
      <span class="span-place-name">{leaf.name}</span>
      {props.count !== undefined && props.count > 1 && <span class="muted"> ×{props.count}</span>}
      {above.length > 0 && <span class="span-place-above">under {above.at(-1)}</span>}
    </span>
  );
}

function Section(props: { title: string; hint: string; testId: string; children: ComponentChildren }) {
  return (
    <section class="compare-section" data-testid={props.testId}>
      <h3>
        {props.title} <span class="muted">{props.hint}</span>
      </h3>
      {props.children}
    </section>
  );
}

function Slower(props: { spans: SlowerSpan[] }) {
  return (
    <ul class="compare-list">
      {props.spans.map((s) => {
        const max = Math.max(s.failingMs, s.baselineMs, 1e-6);
        const factor = s.baselineMs > 0 ? s.failingMs / s.baselineMs : Number.POSITIVE_INFINITY;
        return (
          <li key={s.signature} data-testid="compare-slower">
            <SpanPlace signature={s.signature} />
            <span class="compare-durations">
              <span class="duration-bar failing" style={{ width: `${(s.failingMs / max) * 100}%` }} />
              <span class="duration-text bad">{formatDurationMs(s.failingMs)} here</span>
              <span class="duration-bar baseline" style={{ width: `${(s.baselineMs / max) * 100}%` }} />
              <span class="duration-text muted">{formatDurationMs(s.baselineMs)} when it succeeded</span>
            </span>
            <span class="compare-factor">
              {Number.isFinite(factor) ? `×${factor < 10 ? factor.toFixed(1) : Math.round(factor)}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function Presence(props: { spans: SpanPresence[]; testId: string }) {
  return (
    <ul class="compare-list">
      {props.spans.map((s) => (
        <li key={s.signature} data-testid={props.testId}>
          <SpanPlace signature={s.signature} count={s.count} />
        </li>
      ))}
    </ul>
  );
}

/** Attribute differences shown before the rest fold away: the same status change repeats up the path. */
const CHANGES_SHOWN = 6;

function Changes(props: { changes: AttributeChange[] }) {
  const first = props.changes.slice(0, CHANGES_SHOWN);
  const rest = props.changes.slice(CHANGES_SHOWN);
  return (
    <>
      <ChangeTable changes={first} />
      {rest.length > 0 && (
        <details class="compare-more">
          <summary>{formatCount(rest.length, 'more difference')}</summary>
          <ChangeTable changes={rest} />
        </details>
      )}
    </>
  );
}

function ChangeTable(props: { changes: AttributeChange[] }) {
  return (
    <table class="compare-table">
      <thead>
        <tr>
          <th>Span</th>
          <th>Attribute</th>
          <th>This request</th>
          <th>Successful request</th>
        </tr>
      </thead>
      <tbody>
        {props.changes.map((c) => (
          <tr key={`${c.signature}\u0000${c.key}`} data-testid="compare-attribute-change">
            <td>
              <SpanPlace signature={c.signature} />
            </td>
            <td class="mono">{c.key}</td>
            <td class="mono bad">{c.failing}</td>
            <td class="mono">{c.baseline}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What differs between the failing trace and its successful baseline, section by section: much slower
 * spans (those slower only because of them folded away), work that never happened, extra work, and
 * different attribute values.
 */
export function DiffSections(props: { diff: TraceDiff }) {
  const { diff } = props;
  const empty =
    diff.slowerSpans.length +
      diff.missingSpans.length +
      diff.extraSpans.length +
      diff.attributeChanges.length ===
    0;
  if (empty) return <p class="muted">No difference in spans, durations or attribute values.</p>;
  const slower = splitSlowerSpans(diff.slowerSpans);
  return (
    <>
      {diff.slowerSpans.length > 0 && (
        <Section title="Much slower here" hint="at least twice as long" testId="compare-slower-section">
          <Slower spans={slower.own} />
          {slower.inherited.length > 0 && (
            <details class="compare-more">
              <summary>
                {formatCount(slower.inherited.length, 'span')} above {slower.own.length === 1 ? 'it' : 'them'}{' '}
                took longer only because of {slower.own.length === 1 ? 'it' : 'them'}
              </summary>
              <Slower spans={slower.inherited} />
            </details>
          )}
        </Section>
      )}
      {diff.missingSpans.length > 0 && (
        <Section
          title="Never happened here"
          hint="in the successful request, missing from this one"
          testId="compare-missing"
        >
          <Presence spans={diff.missingSpans} testId="compare-missing-span" />
        </Section>
      )}
      {diff.extraSpans.length > 0 && (
        <Section
          title="Only in this request"
          hint="retries, error handling, fallbacks"
          testId="compare-extra"
        >
          <Presence spans={diff.extraSpans} testId="compare-extra-span" />
        </Section>
      )}
      {diff.attributeChanges.length > 0 && (
        <Section
          title="Different values"
          hint={`${formatCount(diff.attributeChanges.length, 'difference')} in the same spans`}
          testId="compare-changes"
        >
          <Changes changes={diff.attributeChanges} />
        </Section>
      )}
    </>
  );
}
