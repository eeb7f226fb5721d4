import { CAUSE_LABELS, type OtherFailure } from '@faultline/diagnosis';
import { serviceStyle } from '../format/service-colour.js';

/**
 * "Also happened": the failures the request did not surface (a Redis error the handler recovered from,
 * earlier retries, a 4xx it handled), each a button that selects its span. They are the history a
 * person otherwise reads the waterfall for, and the reason the origin is not one of them.
 */
export function AlsoHappened(props: {
  failures: readonly OtherFailure[] | undefined;
  onSelect: (spanId: string) => void;
}) {
  const failures = props.failures ?? [];
  if (failures.length === 0) return null;
  return (
    <div class="also-happened" data-testid="also-happened">
      <h2>Also happened</h2>
      <ul>
        {failures.map((f) => (
          <li key={f.spanId} data-testid="also-happened-item" data-span-id={f.spanId}>
            <button type="button" class="link-button" onClick={() => props.onSelect(f.spanId)}>
              <span class="service-chip" style={serviceStyle(f.service)}>
                {f.service}
              </span>{' '}
              › {f.name}
            </button>
            {f.handled && (
              <span class="handled-tag" data-testid="also-happened-handled">
                handled{f.cause ? `: ${CAUSE_LABELS[f.cause] ?? f.cause}` : ''}
              </span>
            )}{' '}
            <span class="muted">{f.reason}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
