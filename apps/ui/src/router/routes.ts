/** The pages of the UI, parsed from a location. */
export type Route =
  | { page: 'failures' }
  | { page: 'traces'; params: URLSearchParams }
  | { page: 'trace'; traceId: string; spanId: string | undefined }
  | { page: 'map'; traceId: string | undefined }
  | { page: 'not-found'; path: string };

const TRACE_PATH = /^\/traces\/([0-9a-fA-F]{32})\/?$/;
const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** Maps a pathname and query string to the page it shows. */
export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  if (pathname === '/' || pathname === '') return { page: 'failures' };
  if (pathname === '/traces' || pathname === '/traces/') return { page: 'traces', params };
  if (pathname === '/map' || pathname === '/map/') {
    // A malformed `?trace=` is ignored: the map itself is still worth showing.
    const traceId = params.get('trace');
    return { page: 'map', traceId: traceId && TRACE_ID.test(traceId) ? traceId.toLowerCase() : undefined };
  }
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

/** The path of the service map, optionally highlighting one trace's failing path. */
export function mapPath(traceId?: string): string {
  return traceId ? `/map?trace=${traceId}` : '/map';
}
