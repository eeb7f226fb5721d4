import { currentToken } from './token-store.js';

/** An API answer other than 2xx; `status` 401 means the token is missing or wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
/** A 401 answered before anyone listened: the trace page's first request is sent before the app renders. */
let unheardUnauthorized = false;

/** Calls `listener` whenever an API call answers 401 (and at once for one nobody heard yet). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  if (unheardUnauthorized) {
    unheardUnauthorized = false;
    listener();
  }
  return () => unauthorizedListeners.delete(listener);
}

function reportUnauthorized(): void {
  if (unauthorizedListeners.size === 0) unheardUnauthorized = true;
  for (const listener of unauthorizedListeners) listener();
}

/** Query parameters; arrays repeat the key (`attr=a=1&attr=b=2`), empty values are left out. */
export type QueryParams = Record<string, string | number | boolean | string[] | undefined>;

/** Builds `path?query` from params, skipping undefined and empty values. */
export function withQuery(path: string, params: QueryParams = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) query.append(key, item);
    else query.append(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** GETs JSON from the query API, sending the bearer token when one is known. */
export async function getJson<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T> {
  const response = await request(withQuery(path, params), {
    headers: { accept: 'application/json' },
    signal,
  });
  return (await response.json()) as T;
}

/** GETs a text answer (a markdown report, or JSON kept as text) from the query API. */
export async function getText(
  path: string,
  signal?: AbortSignal,
  accept = 'text/markdown, text/plain',
): Promise<string> {
  const response = await request(path, { headers: { accept }, signal });
  return response.text();
}

/** POSTs a JSON body (already serialised) and reads the JSON answer. */
export async function postJson<T>(path: string, body: string, signal?: AbortSignal): Promise<T> {
  const response = await request(path, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body,
    signal,
  });
  return (await response.json()) as T;
}

/**
 * Sends one request with the token and turns any answer other than 2xx into an ApiError carrying the
 * collector's own message (its error bodies are `{ code, message, statusCode }`).
 */
async function request(
  url: string,
  init: RequestInit & { headers: Record<string, string> },
): Promise<Response> {
  const token = currentToken();
  if (token) init.headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, init);
  if (!response.ok) {
    if (response.status === 401) reportUnauthorized();
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not a JSON error body; the status line is the message
    }
    throw new ApiError(response.status, message);
  }
  return response;
}
