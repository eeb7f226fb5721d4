import { CAUSE_LABELS, type Diagnosis } from '@faultline/diagnosis';
import { serviceStyle } from '../format/service-colour.js';
import { AlsoHappened } from './also-happened.js';

/**
 * The verdict in one line a person reads first: "500 originated in orders › pg-pool.connect —
 * connection pool exhausted", the summary sentence, and the two moves that follow from it.
 */
export function VerdictBanner(props: {
  diagnosis: Diagnosis;
  originSpanName: string | undefined;
  errorSpanCount: number;
  onJumpToOrigin: () => void;
  onNextError: () => void;
  /** Selects a span of the "Also happened" list. */
  onSelectSpan: (spanId: string) => void;
}) {
  const { diagnosis } = props;
  const { evidence } = diagnosis;
  const status = evidence.entryStatusCode;
  const operation = props.originSpanName ?? evidence.spanName;
  // Only a caller that changed the failure (503 answered as 500, a new exception) is worth a line here.
  const changed = (diagnosis.propagatedBy ?? []).filter((step) => step.transformed);
  return (
    <section class="verdict" data-testid="verdict" aria-label="Verdict">
      <h1 class="verdict-headline">
        <span class="status-code">{status !== undefined ? status : 'Failure'}</span> originated in{' '}
        <span class="service-chip" style={serviceStyle(diagnosis.originService)} data-testid="origin-service">
          {diagnosis.originService}
        </span>{' '}
        › <span class="origin-name">{operation}</span> —{' '}
        <span class="cause-label" data-testid="cause">
          {CAUSE_LABELS[diagnosis.cause] ?? diagnosis.cause}
        </span>
      </h1>
      <p class="verdict-summary">{diagnosis.summary}</p>
      {changed.length > 0 && (
        <p class="propagation">
          On the way up:{' '}
          {changed
            .map((step) => `${step.service} › ${step.name} turned it into ${step.change ?? 'another error'}`)
            .join('; ')}
        </p>
      )}
      <AlsoHappened failures={diagnosis.otherFailures} onSelect={props.onSelectSpan} />
      <div class="verdict-actions">
        <button type="button" class="danger" onClick={props.onJumpToOrigin}>
          Jump to origin<kbd>o</kbd>
        </button>
        <button type="button" onClick={props.onNextError} disabled={props.errorSpanCount === 0}>
          Next error<kbd>e</kbd>
        </button>
      </div>
    </section>
  );
}

/** The banner for a trace whose entry request did not fail (the diagnosis is null). */
export function NoFailureBanner(props: { errorSpanCount: number; onNextError: () => void }) {
  return (
    <section class="verdict ok" data-testid="verdict">
      <h1 class="verdict-headline">This request did not fail</h1>
      <p class="verdict-summary">
        {props.errorSpanCount === 0
          ? 'No span in this trace recorded an error.'
          : `${props.errorSpanCount} ${props.errorSpanCount === 1 ? 'span' : 'spans'} inside recorded an error, but the entry request still succeeded (a retry or a handled error).`}
      </p>
      {props.errorSpanCount > 0 && (
        <div class="verdict-actions">
          <button type="button" onClick={props.onNextError}>
            Next error<kbd>e</kbd>
          </button>
        </div>
      )}
    </section>
  );
}
