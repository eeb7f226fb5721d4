import { useMemo } from 'preact/hooks';
import { listServices } from '../api/search-api.js';
import { usePolled } from '../hooks/use-polled.js';
import { navigate } from '../router/history.js';
import { DurationScatter } from '../traces/duration-scatter.js';
import { SearchForm } from '../traces/search-form.js';
import { formFromParams, queryStringFromForm } from '../traces/search-query.js';
import { TraceList } from '../traces/trace-list.js';
import { useTraceSearch } from '../traces/use-trace-search.js';

/** Trace search: a form, a duration scatter and the results, polling for new traces every 3 s. */
export function TracesPage(props: { params: URLSearchParams }) {
  const queryKey = props.params.toString();
  const form = useMemo(() => formFromParams(props.params), [queryKey]);
  const services = usePolled((signal) => listServices(signal), 30_000, []);
  const { traces, cursor, cutShort, loadingMore, loadMore, ...firstPage } = useTraceSearch(form, queryKey);

  return (
    <main class="page traces-page">
      <header class="page-header">
        <h1>Traces</h1>
      </header>
      <SearchForm
        form={form}
        services={services.data ?? []}
        onSearch={(next) => {
          const query = queryStringFromForm(next);
          navigate(query ? `/traces?${query}` : '/traces');
        }}
      />
      {firstPage.error && <p class="notice error">Search failed: {firstPage.error.message}</p>}
      {firstPage.loading && traces.length === 0 && !firstPage.error && (
        <p class="muted loading">Searching…</p>
      )}
      {!firstPage.loading && traces.length === 0 && !firstPage.error && !(cutShort && cursor) && (
        <p class="empty-state">No trace matches. Widen the time range or clear a filter.</p>
      )}
      {traces.length === 0 && cutShort && cursor && (
        <p class="notice search-cut-short">
          {'No match yet: the search stopped early, after examining as much as one search may. '}
          <button type="button" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? 'Searching…' : 'Search further'}
          </button>
        </p>
      )}
      {traces.length > 0 && (
        <>
          <DurationScatter traces={traces} />
          <TraceList traces={traces} />
          <div class="load-more">
            {cursor ? (
              <>
                {cutShort && (
                  <span class="muted search-cut-short">
                    {'The search stopped early, after examining as much as one search may. '}
                  </span>
                )}
                <button type="button" onClick={loadMore} disabled={loadingMore}>
                  {loadingMore ? 'Loading…' : cutShort ? 'Search further' : 'Load more'}
                </button>
              </>
            ) : (
              <span class="muted">{`${traces.length} ${traces.length === 1 ? 'trace' : 'traces'}, all shown`}</span>
            )}
          </div>
        </>
      )}
    </main>
  );
}
