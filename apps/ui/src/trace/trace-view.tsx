import { useEffect, useMemo, useState } from 'preact/hooks';
import type { TraceOutline } from '../api/trace-outline-api.js';
import { ComparePanel } from './compare-panel.js';
import { findCriticalPath, segmentsBySpan } from './critical-path.js';
import { TraceLogs } from './log-table.js';
import { SpanDetails } from './span-details.js';
import type { TraceDetails } from './trace-details.js';
import { matchingSpanIds } from './trace-navigation.js';
import { type TraceTab, TraceTabs } from './trace-tabs.js';
import { TraceToolbar } from './trace-toolbar.js';
import { useDetailsUpdates } from './use-details-updates.js';
import { useSpanJumps } from './use-span-jumps.js';
import { useSpanSelection } from './use-span-selection.js';
import { useTraceModel } from './use-trace-model.js';
import { VerdictRow } from './verdict-row.js';
import { Waterfall } from './waterfall.js';
import { visibleRows } from './waterfall-model.js';

/**
 * One trace: the verdict and its evidence, the waterfall (or all logs), and the selected span's
 * details. It draws from the outline; details (attributes, events, logs) come from `details` as
 * they are asked for.
 */
export function TraceView(props: {
  outline: TraceOutline;
  details: TraceDetails;
  spanId: string | undefined;
}) {
  const { outline: trace, details } = props;
  useDetailsUpdates(details);
  const { tree, model, errors, errorCount, marks, services } = useTraceModel(trace);
  const selection = useSpanSelection(trace.traceId, model, props.spanId, marks.originSpanId);
  const { select, collapsed } = selection;
  const [tab, setTab] = useState<TraceTab>('waterfall');
  const [query, setQuery] = useState('');
  const [showCritical, setShowCritical] = useState(false);
  // Computed only when asked for: most visits are about the failure, not the latency.
  const critical = useMemo(
    () => (showCritical ? segmentsBySpan(findCriticalPath(tree)) : undefined),
    [tree, showCritical],
  );
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const matches = useMemo(() => matchingSpanIds(model, query), [model, query]);
  const toggleCritical = () => setShowCritical((on) => !on);
  const jumps = useSpanJumps({
    model,
    rows,
    errors,
    originSpanId: marks.originSpanId,
    matches,
    selection,
    showWaterfall: () => setTab('waterfall'),
    toggleCriticalPath: toggleCritical,
  });
  useEffect(() => {
    performance.mark('faultline:trace-rendered');
  }, [trace]);

  const selectedNode = selection.current >= 0 ? model.nodes[selection.current] : undefined;
  const spanName = (spanId: string) => {
    const index = model.indexBySpanId.get(spanId);
    return index === undefined ? undefined : model.nodes[index]!.span.name;
  };
  const entry = model.nodes[0]?.span;
  const entryName = entry ? `${entry.service} › ${entry.name}` : 'this entry';

  return (
    <main class="page trace-page">
      <TraceToolbar
        traceId={trace.traceId}
        failed={trace.diagnosis !== null}
        model={model}
        services={services}
      />
      <VerdictRow
        diagnosis={trace.diagnosis}
        originSpanName={marks.originSpanId ? spanName(marks.originSpanId) : undefined}
        errorSpanCount={errorCount}
        onJumpToOrigin={jumps.origin}
        onNextError={jumps.nextError}
        onSelectSpan={(spanId) => select(spanId)}
      />
      <TraceTabs
        tab={tab}
        onTab={setTab}
        logCount={trace.logCount}
        canCompare={trace.diagnosis !== null}
        showCritical={showCritical}
        onToggleCritical={toggleCritical}
        query={query}
        onQuery={setQuery}
        matchCount={matches.size}
        onFindNext={jumps.nextMatch}
      />
      <div class="trace-body">
        {tab === 'waterfall' ? (
          <Waterfall
            model={model}
            rows={rows}
            errors={errors}
            marks={marks}
            selectedSpanId={selection.selectedSpanId}
            collapsed={collapsed}
            matches={matches}
            critical={critical}
            reveal={selection.reveal}
            onSelect={(spanId) => select(spanId, false)}
            onToggle={selection.toggle}
          />
        ) : tab === 'logs' ? (
          <TraceLogs logs={details.logs()} spanName={spanName} onSelectSpan={(id) => select(id, false)} />
        ) : (
          <ComparePanel traceId={trace.traceId} entry={entryName} />
        )}
        {selectedNode && tab !== 'compare' && (
          <SpanDetails
            outline={selectedNode.span}
            detail={details.span(selectedNode.span.spanId)}
            traceStartUnixNano={model.traceStartUnixNano}
            role={marks.roles.get(selectedNode.span.spanId)}
            onClose={() => select(undefined, false)}
          />
        )}
      </div>
    </main>
  );
}
