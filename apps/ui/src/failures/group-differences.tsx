import type { OverRepresentedValue } from '@faultline/diagnosis';
import { compareFailureGroup } from '../api/compare-api.js';
import { formatCount, formatShare } from '../format/count-format.js';
import { usePolled } from '../hooks/use-polled.js';

/** Below this many successful requests, a difference in shares says little. */
const FEW_SUCCESSES = 5;

function ShareBar(props: { share: number; tone: 'failing' | 'baseline'; label: string }) {
  return (
    <span class="share" title={`${formatShare(props.share)} of ${props.label}`}>
      <span class="share-track">
        <span class={`share-fill ${props.tone}`} style={{ width: `${props.share * 100}%` }} />
      </span>
      <span class="share-value">{formatShare(props.share)}</span>
    </span>
  );
}

function ValueRows(props: { values: OverRepresentedValue[] }) {
  return (
    <table class="differences-table">
      <thead>
        <tr>
          <th>Value</th>
          <th>Failing requests</th>
          <th>Successful requests</th>
        </tr>
      </thead>
      <tbody>
        {props.values.map((v) => (
          <tr key={`${v.key}\u0000${v.value}`} data-testid="over-represented">
            <td>
              <span class="mono">{v.key}</span> = <span class="mono strong">{v.value}</span>
            </td>
            <td>
              <ShareBar share={v.failingShare} tone="failing" label="failing requests" />
            </td>
            <td>
              <ShareBar share={v.baselineShare} tone="baseline" label="successful requests" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "What differs" for one failure group: the attribute values (version, host, region, db…) far more
 * common among its failing requests than among successful requests of the same operation, with the
 * share of each.
 */
export function GroupDifferences(props: { fingerprint: string }) {
  const loaded = usePolled((signal) => compareFailureGroup(props.fingerprint, signal), 0, [
    props.fingerprint,
  ]);
  const answer = loaded.data;
  return (
    <section class="group-differences" aria-label="What differs" data-testid="group-differences">
      {loaded.error && <p class="notice error">Could not compare this group: {loaded.error.message}</p>}
      {!answer && !loaded.error && <p class="muted loading">Comparing with successful requests…</p>}
      {answer && (
        <>
          <p class="differences-basis muted">
            {formatCount(answer.failingCount, 'failing request')} against{' '}
            {formatCount(answer.succeedingCount, 'successful request')} of{' '}
            <span class="mono">
              {answer.service} › {answer.operation}
            </span>
          </p>
          {answer.succeedingCount === 0 && (
            <p class="notice">
              No request of this operation has succeeded, so nothing sets the failures apart: below is what
              they all have in common.
            </p>
          )}
          {answer.succeedingCount > 0 && answer.succeedingCount < FEW_SUCCESSES && (
            <p class="notice" data-testid="few-successes">
              Only {formatCount(answer.succeedingCount, 'successful request')} to compare with: a value
              missing from so few may be chance, not the cause.
            </p>
          )}
          {answer.overRepresented.length === 0 ? (
            <p data-testid="no-differences">
              Nothing stands out: no attribute value is much more common among the failing requests than among
              the successful ones.
            </p>
          ) : (
            <ValueRows values={answer.overRepresented} />
          )}
        </>
      )}
    </section>
  );
}
