import {
  type Attributes,
  HTTP_REQUEST_METHOD,
  readString,
  SERVER_ADDRESS,
  SERVER_PORT,
  type Span,
  URL_FULL,
  URL_PATH,
} from '@faultline/model';

/** Request headers never put in a replay command: credentials and session state. */
const UNSAFE_HEADERS = /^(authorization|cookie|set-cookie|proxy-authorization|x-api-key|x-auth-token)$/i;
const HEADER_PREFIX = 'http.request.header.';

/** Quotes a value for a POSIX shell: single quotes, with embedded ones closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function urlOf(attributes: Attributes): string | undefined {
  const full = readString(attributes, URL_FULL);
  if (full) return full;
  const path = readString(attributes, URL_PATH);
  if (!path) return undefined;
  const query = readString(attributes, ['url.query']);
  const host = readString(attributes, SERVER_ADDRESS) ?? 'localhost';
  const port = readString(attributes, SERVER_PORT);
  const scheme = readString(attributes, ['url.scheme', 'http.scheme']) ?? 'http';
  const pathWithQuery = query && !path.includes('?') ? `${path}?${query}` : path;
  return `${scheme}://${host}${port ? `:${port}` : ''}${pathWithQuery}`;
}

/**
 * A `curl` command that replays the entry request (method, URL, the request headers the
 * instrumentation recorded), for reproducing a failure in staging. Credentials are never included.
 * Returns null when the span does not say which URL was requested.
 */
export function replayCommand(entry: Span): string | null {
  const url = urlOf(entry.attributes);
  if (!url) return null;
  const method = readString(entry.attributes, HTTP_REQUEST_METHOD) ?? 'GET';
  const parts = ['curl', '-i', '-X', method, shellQuote(url)];
  for (const [key, value] of Object.entries(entry.attributes)) {
    if (!key.startsWith(HEADER_PREFIX)) continue;
    const name = key.slice(HEADER_PREFIX.length);
    if (UNSAFE_HEADERS.test(name)) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    parts.push('-H', shellQuote(`${name}: ${text}`));
  }
  return parts.join(' ');
}
