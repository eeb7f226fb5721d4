// Credentials inside values, whatever the attribute is called: a `Referer` carrying `?code=…`, a
// `url.query` of `token=…` (semconv writes it without the `?`), `#access_token=…` fragments, a
// `postgres://user:password@host` in `env.DATABASE_URL` or `db.connection_string`, `Password=…;` in
// an ADO.NET connection string, `PASSWORD '…'` and `IDENTIFIED BY '…'` in SQL, `Bearer …` and JWTs
// in log lines, PEM private keys. The secret is replaced and the rest kept, so the value still says
// what happened. (The OTel Collector's redaction processor does the same for URLs and queries with
// its url_sanitization and db_sanitizer; Sentry's scrubber masks values next to sensitive names.)
// Every rule has a cheap `includes` test first: most values (routes, names, numbers) skip them all.

/** What a redacted value, or the redacted part of one, is replaced with. */
export const REDACTED = '[REDACTED]';

/** Decides whether a parameter or member name names a credential (memoised by the caller). */
export type IsSensitiveName = (name: string) => boolean;

/** One scan that every value holding something the rules below look for matches; the rest skip. */
const MAY_HOLD_SECRET = /[=@]|":|bearer|basic |eyj|private key|password|identified/i;

/** Something that could be a parameter: an `=` right after a name character. */
const PARAMETER_HINT = /[^\s=&#;?]=/;
/** The words the SQL and bearer rules start from, in one scan. */
const SQL_OR_BEARER = /password|identified|bearer/i;
/**
 * A field of a `;`-separated connection string (ADO.NET, Azure): its value runs to the next `;` and
 * may hold spaces (`Password=my secret;`, `AccountKey=…==;`).
 */
const CONNECTION_FIELD = /(^|;)(\s*)([A-Za-z][A-Za-z0-9 _.-]{0,63}?)(\s*=\s*)([^;]*)/g;
/** A JSON member `"name": "value"` inside a string (a logged request body). */
const JSON_MEMBER = /("([^"\\]{1,128})"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/**
 * `scheme://user:password@host`: the password may hold `@`, so the match runs to the last one. (The
 * scheme is bounded so a long run of letters cannot make the search quadratic.)
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s/?#@:]*:)[^\s/?#]*@/gi;
/** `scheme://<long token>@host` (GitHub's `https://ghp_…@github.com`): a user name that is a key. */
const URL_TOKEN_USER = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[A-Za-z0-9_.~-]{20,}@/gi;
/** A quoted SQL literal ('' and "" escape their quote). */
const SQL_QUOTED = `'(?:[^']|'')*'|"(?:[^"]|"")*"`;
/** `PASSWORD '…'`, `PASSWORD = '…'`, `PASSWORD('…')` (Postgres, MySQL, SQL Server, Oracle). */
const SQL_PASSWORD = new RegExp(String.raw`\b(PASSWORD(?:\s+|\s*=\s*|\s*\(\s*))(${SQL_QUOTED})`, 'gi');
/** `IDENTIFIED BY '…'` / `IDENTIFIED WITH plugin BY …` (MySQL, Oracle: the literal may be bare). */
const SQL_IDENTIFIED = new RegExp(
  String.raw`\b(IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY\s+)(${SQL_QUOTED}|[^\s;,)]+)`,
  'gi',
);
/** `SET PASSWORD FOR 'u'@'h' = '…'` (MySQL). */
const SQL_SET_PASSWORD = new RegExp(String.raw`\b(SET\s+PASSWORD\b[^=;]*=\s*)(${SQL_QUOTED})`, 'gi');
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const BASIC = /\b(Basic\s+)([A-Za-z0-9+/]{6,}={0,2})/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

/** A replacement for a quoted or bare literal that keeps its quoting. */
function redactedLiteral(literal: string): string {
  const quote = literal[0];
  return quote === "'" || quote === '"' ? `${quote}${REDACTED}${quote}` : REDACTED;
}

function decodeName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Characters that end a parameter's name going left, or its value going right. */
function isParameterBoundary(code: number): boolean {
  // & # ; ? " ' and whitespace (space, tab, newlines).
  return code === 38 || code === 35 || code === 59 || code === 63 || code === 34 || code === 39 || code <= 32;
}

/**
 * Replaces the values of sensitive `name=value` parameters (after `?`, `&`, `#`, `;`, whitespace or
 * the start; `--flag=value` too). A hand-written scan rather than a regex: every URL with a query goes
 * through here, and this allocates only the names it looks up.
 */
function scrubParameters(value: string, isSensitive: IsSensitiveName): string {
  let out = '';
  let copied = 0;
  let equals = value.indexOf('=');
  while (equals !== -1) {
    let nameStart = equals;
    while (nameStart > 0) {
      const code = value.charCodeAt(nameStart - 1);
      if (code === 61 || isParameterBoundary(code)) break;
      nameStart--;
    }
    let valueEnd = equals + 1;
    while (valueEnd < value.length && !isParameterBoundary(value.charCodeAt(valueEnd))) valueEnd++;
    const nameLength = equals - nameStart;
    if (nameLength > 0 && nameLength <= 128 && valueEnd > equals + 1) {
      const parameter = value.slice(equals + 1, valueEnd);
      if (isSensitive(decodeName(value.slice(nameStart, equals))) || hidesSecret(parameter, isSensitive)) {
        out += value.slice(copied, equals + 1) + REDACTED;
        copied = valueEnd;
      }
    }
    equals = value.indexOf('=', valueEnd);
  }
  return copied === 0 ? value : out + value.slice(copied);
}

/** A URL inside a parameter, percent-encoded (`?next=%2Fcb%3Ftoken%3Dabc`): looked inside once. */
function hidesSecret(parameter: string, isSensitive: IsSensitiveName): boolean {
  if (!/%3d/i.test(parameter)) return false;
  const inner = decodeName(parameter);
  return inner !== parameter && scrubParameters(inner, isSensitive) !== inner;
}

/**
 * A string with every credential this module recognises replaced by `[REDACTED]`; the same string
 * when there is none. `isSensitive` decides parameter names (sensitive-names.ts plus the operator's
 * `--redact-pattern`).
 */
export function scrubSecrets(value: string, isSensitive: IsSensitiveName): string {
  if (!MAY_HOLD_SECRET.test(value)) return value;
  let out = value;
  if (out.includes(';') && out.includes('=')) {
    out = out.replace(
      CONNECTION_FIELD,
      (match, start: string, space: string, name: string, equals: string) =>
        isSensitive(name) ? `${start}${space}${name}${equals}${REDACTED}` : match,
    );
  }
  // `name=value` needs a name before the `=`: SQL's `id = $1` has none and skips the scan.
  if (PARAMETER_HINT.test(out)) out = scrubParameters(out, isSensitive);
  if (out.includes('":')) {
    out = out.replace(JSON_MEMBER, (match, head: string, name: string) =>
      isSensitive(name) ? `${head}"${REDACTED}"` : match,
    );
  }
  if (out.includes('://') && out.includes('@')) {
    out = out.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(URL_TOKEN_USER, `$1${REDACTED}@`);
  }
  const hasWord = SQL_OR_BEARER.test(out);
  if (hasWord && /password/i.test(out)) {
    out = out
      .replace(SQL_PASSWORD, (_m, head: string, literal: string) => head + redactedLiteral(literal))
      .replace(SQL_SET_PASSWORD, (_m, head: string, literal: string) => head + redactedLiteral(literal));
  }
  if (hasWord && /identified/i.test(out)) {
    out = out.replace(SQL_IDENTIFIED, (_m, head: string, literal: string) => head + redactedLiteral(literal));
  }
  if (hasWord && /bearer/i.test(out)) out = out.replace(BEARER, `$1${REDACTED}`);
  if (out.includes('Basic ')) {
    // Only a base64 `user:password` pair: "Basic authentication failed" is prose.
    out = out.replace(BASIC, (match, head: string, encoded: string) =>
      Buffer.from(encoded, 'base64').toString('latin1').includes(':') ? `${head}${REDACTED}` : match,
    );
  }
  if (out.includes('eyJ')) out = out.replace(JWT, REDACTED);
  if (out.includes('PRIVATE KEY-----')) out = out.replace(PEM_PRIVATE_KEY, REDACTED);
  return out;
}
