/** The pages of the UI, parsed from a location. */
export type Route =
  | { page: 'failures' }
  | { page: 'traces'; params: URLSearchParams }
  | { page: 'trace'; traceId: string; spanId: string | undefined }
  | { page: 'not-found'; path: string };

const TRACE_PATH = /^\/traces\/([0-9a-fA-F]{32})\/?$/;

/** Maps a pathname and query string to the page it shows. */
export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  if (pathname === '/' || pathname === '') return { page: 'failures' };
  if (pathname === '/traces' || pathname === '/traces/') return { page: 'traces', params };
  const trace = TRACE_PATH.exec(pathname);
  if (trace)
    return { page: 'trace', traceId: trace[1]!.toLowerCase(), spanId: params.get('span') ?? undefined };
  return { page: 'not-found', path: pathname };
}

/** The path of one trace's page, optionally with a span selected. */
export function tracePath(traceId: string, spanId?: string): string {
  return spanId ? `/traces/${traceId}?span=${spanId}` : `/traces/${traceId}`;
}

/** The path of the traces page searching with `params`. */
export function tracesPath(params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return query ? `/traces?${query}` : '/traces';
}
