import { buildOutlineTree } from '@faultline/diagnosis';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { TraceOutline } from '../api/trace-outline-api.js';
import { tracePath } from '../router/routes.js';
import { ComparePanel } from './compare-panel.js';
import { findCriticalPath, segmentsBySpan } from './critical-path.js';
import { EvidencePanel, NextSteps } from './evidence-panel.js';
import { TraceLogs } from './log-table.js';
import { SpanDetails } from './span-details.js';
import { failureMarks } from './span-roles.js';
import type { TraceDetails } from './trace-details.js';
import { matchingSpanIds, nextErrorIndex, stepRow } from './trace-navigation.js';
import { TraceToolbar } from './trace-toolbar.js';
import { useDetailsUpdates } from './use-details-updates.js';
import { useTraceKeys } from './use-trace-keys.js';
import { NoFailureBanner, VerdictBanner } from './verdict-banner.js';
import { type RevealRequest, Waterfall } from './waterfall.js';
import { ancestorSpanIds, buildWaterfall, visibleRows } from './waterfall-model.js';

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
  const tree = useMemo(() => buildOutlineTree(trace.spans), [trace]);
  const model = useMemo(() => {
    const built = buildWaterfall(tree);
    performance.mark('faultline:waterfall-built');
    return built;
  }, [tree]);
  const errors = useMemo(() => model.nodes.map((n) => n.span.failed), [model]);
  const errorCount = useMemo(() => errors.filter(Boolean).length, [errors]);
  const marks = useMemo(() => failureMarks(trace.diagnosis), [trace]);
  const services = useMemo(() => [...new Set(model.nodes.map((n) => n.span.service))], [model]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | undefined>(props.spanId ?? marks.originSpanId);
  const [reveal, setReveal] = useState<RevealRequest | undefined>(
    selected ? { spanId: selected, seq: 0 } : undefined,
  );
  const [tab, setTab] = useState<'waterfall' | 'logs' | 'compare'>('waterfall');
  const [query, setQuery] = useState('');
  const [showCritical, setShowCritical] = useState(false);
  // Computed only when asked for: most visits are about the failure, not the latency.
  const critical = useMemo(
    () => (showCritical ? segmentsBySpan(findCriticalPath(tree)) : undefined),
    [tree, showCritical],
  );
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const matches = useMemo(() => matchingSpanIds(model, query), [model, query]);

  const select = (spanId: string | undefined, scroll = true) => {
    setSelected(spanId);
    history.replaceState(null, '', tracePath(trace.traceId, spanId));
    if (!spanId) return;
    const index = model.indexBySpanId.get(spanId);
    if (index === undefined) return;
    const hiddenBy = ancestorSpanIds(model, index).filter((id) => collapsed.has(id));
    if (hiddenBy.length > 0) {
      setCollapsed((set) => new Set([...set].filter((id) => !hiddenBy.includes(id))));
    }
    if (scroll) setReveal((r) => ({ spanId, seq: (r?.seq ?? 0) + 1 }));
  };
  useEffect(() => {
    if (props.spanId && props.spanId !== selected) select(props.spanId);
  }, [props.spanId]);
  useEffect(() => {
    performance.mark('faultline:trace-rendered');
  }, [trace]);

  const current = selected === undefined ? -1 : (model.indexBySpanId.get(selected) ?? -1);
  const goToNextError = () => {
    const index = nextErrorIndex(errors, current);
    if (index >= 0) {
      setTab('waterfall');
      select(model.nodes[index]!.span.spanId);
    }
  };
  const goToOrigin = () => {
    if (!marks.originSpanId) return;
    setTab('waterfall');
    select(marks.originSpanId);
  };
  const step = (delta: number) => {
    const index = stepRow(model, rows, selected, delta);
    if (index !== undefined) select(model.nodes[index]!.span.spanId);
  };
  const nextMatch = () => {
    const ordered = rows.filter((i) => matches.has(model.nodes[i]!.span.spanId));
    const all =
      ordered.length > 0
        ? ordered
        : [...matches].map((id) => model.indexBySpanId.get(id)!).sort((a, b) => a - b);
    const after = all.find((i) => i > current) ?? all[0];
    if (after !== undefined) select(model.nodes[after]!.span.spanId);
  };
  useTraceKeys({
    next: () => step(1),
    previous: () => step(-1),
    nextError: goToNextError,
    origin: goToOrigin,
    close: () => select(undefined, false),
    criticalPath: () => {
      setTab('waterfall');
      setShowCritical((on) => !on);
    },
  });

  const toggle = (spanId: string) =>
    setCollapsed((set) => {
      const next = new Set(set);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  const selectedNode = current >= 0 ? model.nodes[current] : undefined;
  const spanName = (spanId: string) => {
    const index = model.indexBySpanId.get(spanId);
    return index === undefined ? undefined : model.nodes[index]!.span.name;
  };
  const entry = model.nodes[0]?.span;
  const entryName = entry ? `${entry.service} › ${entry.name}` : 'this entry';
  const originIndex = marks.originSpanId ? model.indexBySpanId.get(marks.originSpanId) : undefined;

  return (
    <main class="page trace-page">
      <TraceToolbar
        traceId={trace.traceId}
        failed={trace.diagnosis !== null}
        model={model}
        services={services}
      />
      <div class={trace.diagnosis ? 'verdict-row' : 'verdict-row single'}>
        {trace.diagnosis ? (
          <>
            <div class="verdict-column">
              <VerdictBanner
                diagnosis={trace.diagnosis}
                originSpanName={originIndex === undefined ? undefined : model.nodes[originIndex]!.span.name}
                errorSpanCount={errorCount}
                onJumpToOrigin={goToOrigin}
                onNextError={goToNextError}
                onSelectSpan={(spanId) => select(spanId)}
              />
              <NextSteps steps={trace.diagnosis.nextSteps} />
            </div>
            <EvidencePanel diagnosis={trace.diagnosis} />
          </>
        ) : (
          <NoFailureBanner errorSpanCount={errorCount} onNextError={goToNextError} />
        )}
      </div>
      <div class="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'waterfall'}
          onClick={() => setTab('waterfall')}
        >
          Waterfall
        </button>
        <button type="button" role="tab" aria-selected={tab === 'logs'} onClick={() => setTab('logs')}>
          Logs ({trace.logCount})
        </button>
        {trace.diagnosis && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'compare'}
            onClick={() => setTab('compare')}
          >
            Compare with a successful request
          </button>
        )}
        {tab === 'waterfall' && (
          <button
            type="button"
            class="toggle"
            aria-pressed={showCritical}
            title="Mark the chain of spans the request waited on: what set its duration"
            onClick={() => setShowCritical((on) => !on)}
          >
            Critical path<kbd>c</kbd>
          </button>
        )}
        {tab === 'waterfall' && (
          <label class="find">
            Find span
            <input
              data-search-input
              type="search"
              placeholder="name or service  ( / )"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && nextMatch()}
            />
            {query.trim() !== '' && <span>{matches.size} found</span>}
          </label>
        )}
      </div>
      <div class="trace-body">
        {tab === 'waterfall' ? (
          <Waterfall
            model={model}
            rows={rows}
            errors={errors}
            marks={marks}
            selectedSpanId={selected}
            collapsed={collapsed}
            matches={matches}
            critical={critical}
            reveal={reveal}
            onSelect={(spanId) => select(spanId, false)}
            onToggle={toggle}
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
