import { vi } from 'vitest';

/** One request the page made: its URL, method and body. */
export interface SeenRequest {
  url: string;
  method: string;
  body: string | undefined;
}

type Handler = (request: SeenRequest) => Response | Promise<Response>;

/** A JSON answer, as the collector sends it. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * Replaces `fetch` with answers by path (query string ignored); any other path answers the collector's
 * 404. Returns the requests made, in order. setup-dom.ts restores the real fetch after each test.
 */
export function stubFetch(routes: Record<string, Handler>): SeenRequest[] {
  const seen: SeenRequest[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = {
      url: String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    seen.push(request);
    const handler = routes[request.url.split('?')[0]!];
    return handler
      ? handler(request)
      : jsonResponse({ code: 'FL_ERR_NOT_FOUND', message: `no route ${request.url}`, statusCode: 404 }, 404);
  });
  return seen;
}
