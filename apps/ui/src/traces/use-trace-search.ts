import { useEffect, useRef, useState } from 'preact/hooks';
import { searchTraces, type TraceSummary } from '../api/search-api.js';
import { usePolled } from '../hooks/use-polled.js';
import { mergeNewest } from './merge-pages.js';
import { apiParamsFromForm, type SearchForm } from './search-query.js';

const POLL_MS = 3000;
const PAGE_SIZE = 50;

/** The traces a search found so far, and how to ask for more. */
export interface TraceSearch {
  traces: TraceSummary[];
  /** Where the next page starts; null when every match is shown. */
  cursor: string | null;
  /** The last page stopped at the collector's search budget: the cursor searches further. */
  cutShort: boolean;
  /** The first page is on its way (it is asked for again every 3 s). */
  loading: boolean;
  error: Error | undefined;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
}

/**
 * Runs the search `form` describes: the first page now and every 3 s (new traces merged in at the
 * top), further pages on `loadMore`. Starts over when `queryKey` (the form's URL query) changes.
 */
export function useTraceSearch(form: SearchForm, queryKey: string): TraceSearch {
  const [traces, setTraces] = useState<TraceSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [cutShort, setCutShort] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  // The cursor belongs to the last page loaded; polling refreshes the top without moving it.
  const pagedOnce = useRef(false);

  useEffect(() => {
    setTraces([]);
    setCursor(null);
    setCutShort(false);
    pagedOnce.current = false;
  }, [queryKey]);

  const firstPage = usePolled(
    async (signal) => {
      const page = await searchTraces({ ...apiParamsFromForm(form, Date.now()), limit: PAGE_SIZE }, signal);
      setTraces((shown) => mergeNewest(shown, page.traces));
      if (!pagedOnce.current) {
        pagedOnce.current = true;
        setCursor(page.nextCursor);
        setCutShort(page.cutShort);
      }
      return page;
    },
    POLL_MS,
    [queryKey],
  );

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await searchTraces({ ...apiParamsFromForm(form, Date.now()), limit: PAGE_SIZE, cursor });
      setTraces((shown) => mergeNewest(shown, page.traces));
      setCursor(page.nextCursor);
      setCutShort(page.cutShort);
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    traces,
    cursor,
    cutShort,
    loading: firstPage.loading,
    error: firstPage.error,
    loadingMore,
    loadMore,
  };
}
