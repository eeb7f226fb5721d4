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
/** RFC 9110 §5.6.2 `token`: what a method and a header name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What a URL never holds raw: controls, spaces and non-ASCII are percent-encoded so the URL stays one
 * printable line (curl would send a raw control byte on the request line).
 */
const URL_UNSAFE = /[^\x21-\x7e]/gu;
/** Only these are replayed: curl also speaks file:, smtp:, gopher:…, and reads "-o…" as an option. */
const HTTP_URL = /^https?:\/\//i;
/** user:password@ in the authority: credentials, never replayed. */
const USERINFO = /^(https?:\/\/)[^/?#]*@/i;

/** A replay command, and what was left out of it and why (for the report to say). */
export interface ReplayCommand {
  /** Null when the request cannot be replayed safely (a URL that is not http or https). */
  command: string | null;
  /** The curl arguments, unquoted: what curl receives when the command is run in a POSIX shell. */
  argv: string[];
  omitted: string[];
}

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

/** RFC 9110 §5.5: a field value holds no control character other than HTAB (no CR, LF or NUL). */
function holdsControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

const percentEncode = (char: string): string =>
  [...Buffer.from(char, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/**
 * A `curl` command that replays the entry request (method, URL, the request headers the
 * instrumentation recorded), for reproducing a failure in staging. Credentials are never included.
 * Every argument is shell-quoted; a method or header that is not valid HTTP is left out and named in
 * `omitted`; a URL other than http(s) gives no command. Returns null when the span does not say which
 * URL was requested.
 */
export function replayCommand(entry: Span): ReplayCommand | null {
  const rawUrl = urlOf(entry.attributes);
  if (!rawUrl) return null;
  const encoded = rawUrl.replace(URL_UNSAFE, percentEncode);
  if (!HTTP_URL.test(encoded)) {
    return { command: null, argv: [], omitted: ['the whole command: the recorded URL is not http or https'] };
  }
  const url = encoded.replace(USERINFO, '$1');
  const omitted = url === encoded ? [] : ['the user and password in the URL'];
  const argv: string[] = [];
  const words: string[] = [];
  // Options are written by this code and stay bare; every value is quoted, whatever it holds.
  const option = (name: string) => {
    argv.push(name);
    words.push(name);
  };
  const value = (text: string) => {
    argv.push(text);
    words.push(shellQuote(text));
  };
  option('-i');
  const method = readString(entry.attributes, HTTP_REQUEST_METHOD) ?? 'GET';
  if (TOKEN.test(method)) {
    option('-X');
    // A plain method reads as usual (`-X POST`); a token may still hold `$`, `'`, `|`: quoted then.
    argv.push(method);
    words.push(/^[A-Za-z0-9-]+$/.test(method) ? method : shellQuote(method));
  } else {
    omitted.push('the recorded method is not an HTTP method token; curl will send GET');
  }
  // curl expands [1-9] and {a,b} into many requests unless told not to.
  if (/[[\]{}]/.test(url)) option('--globoff');
  value(url);
  for (const [key, raw] of Object.entries(entry.attributes)) {
    if (!key.startsWith(HEADER_PREFIX)) continue;
    const name = key.slice(HEADER_PREFIX.length);
    if (UNSAFE_HEADERS.test(name)) continue;
    const text = Array.isArray(raw) ? raw.join(', ') : String(raw);
    if (!TOKEN.test(name)) {
      omitted.push('a recorded header whose name is not an HTTP token');
    } else if (holdsControl(text)) {
      omitted.push(`header ${name}: its value holds control characters`);
    } else {
      option('-H');
      value(`${name}: ${text}`);
    }
  }
  return { command: ['curl', ...words].join(' '), argv, omitted };
}
