import { RANGES } from './search-query.js';

/** The search's time range: a preset, or `custom` with its From and To pickers beside it. */
export function TimeRangeFields(props: {
  range: string;
  start: string;
  end: string;
  onRange: (range: string) => void;
  onStart: (start: string) => void;
  onEnd: (end: string) => void;
}) {
  return (
    <>
      <label>
        Time
        <select value={props.range} onChange={(e) => props.onRange(e.currentTarget.value)}>
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {props.range === 'custom' && (
        <span class="custom-range">
          <input
            type="datetime-local"
            step="0.001"
            aria-label="From"
            value={props.start}
            onInput={(e) => props.onStart(e.currentTarget.value)}
          />
          <input
            type="datetime-local"
            step="0.001"
            aria-label="To"
            value={props.end}
            onInput={(e) => props.onEnd(e.currentTarget.value)}
          />
        </span>
      )}
    </>
  );
}
