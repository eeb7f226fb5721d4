/** What the body of the trace page shows. */
export type TraceTab = 'waterfall' | 'logs' | 'compare';

/**
 * The tab bar under the verdict: Waterfall, Logs, Compare (failed requests only) and, while the
 * waterfall shows, its critical-path toggle and find box.
 */
export function TraceTabs(props: {
  tab: TraceTab;
  onTab: (tab: TraceTab) => void;
  logCount: number;
  /** Only a failed request has a successful one to be compared with. */
  canCompare: boolean;
  showCritical: boolean;
  onToggleCritical: () => void;
  query: string;
  onQuery: (query: string) => void;
  matchCount: number;
  onFindNext: () => void;
}) {
  const { tab, onTab } = props;
  return (
    <div class="tabs" role="tablist">
      <button type="button" role="tab" aria-selected={tab === 'waterfall'} onClick={() => onTab('waterfall')}>
        Waterfall
      </button>
      <button type="button" role="tab" aria-selected={tab === 'logs'} onClick={() => onTab('logs')}>
        Logs ({props.logCount})
      </button>
      {props.canCompare && (
        <button type="button" role="tab" aria-selected={tab === 'compare'} onClick={() => onTab('compare')}>
          Compare with a successful request
        </button>
      )}
      {tab === 'waterfall' && (
        <button
          type="button"
          class="toggle"
          aria-pressed={props.showCritical}
          title="Mark the chain of spans the request waited on: what set its duration"
          onClick={props.onToggleCritical}
        >
          Critical path<kbd>c</kbd>
        </button>
      )}
      {tab === 'waterfall' && (
        <FindSpan
          query={props.query}
          onQuery={props.onQuery}
          matchCount={props.matchCount}
          onFindNext={props.onFindNext}
        />
      )}
    </div>
  );
}

/** The waterfall's find box: spans by name or service; Enter selects the next match. */
function FindSpan(props: {
  query: string;
  onQuery: (query: string) => void;
  matchCount: number;
  onFindNext: () => void;
}) {
  return (
    <label class="find">
      Find span
      <input
        data-search-input
        type="search"
        placeholder="name or service  ( / )"
        value={props.query}
        onInput={(e) => props.onQuery(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && props.onFindNext()}
      />
      {props.query.trim() !== '' && <span>{props.matchCount} found</span>}
    </label>
  );
}
