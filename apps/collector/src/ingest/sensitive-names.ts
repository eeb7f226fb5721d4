// Which names (attribute keys, nested map keys, URL and form parameters) hold credentials. Built from
// what Sentry scrubs by default (password, passwd, secret, api_key, apikey, auth, credentials,
// mysql_pwd, privatekey, private_key, token, bearer, session, csrftoken, sessionid, cookie,
// authorization) and from what an attacker found stored in clear here (`aws.secret_access_key`,
// `userPassword`, `jwt`, `session_id`, `db.connection_string`, `env.DATABASE_URL`). The OTel
// Collector's redaction processor has no default list (it is an allowlist); its URL and database
// sanitizers are what secret-values.ts does for values.
//
// A name is split into lowercase words at separators and camelCase (`aws.secret_access_key` ->
// aws secret access key, `userPassword` -> user password, `X-Amz-Signature` -> x amz signature), so
// that `gen_ai.usage.input_tokens` or `llm.token_count.prompt` (counts, not tokens) are kept.

/** Words that mark a name as sensitive wherever they appear in it. */
const ANYWHERE_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'pwd',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'jwt',
  'bearer',
  'cookie',
  'cookies',
  'authorization',
  'apikey',
  'privatekey',
  'csrf',
  'xsrf',
  'csrftoken',
  'xsrftoken',
  'sessionid',
  'sessid',
  'phpsessid',
  'jsessionid',
]);

/** Fragments that mark a name written without separators (`dbpassword`, `setcookie`, `apikeys`). */
const ANYWHERE_FRAGMENT =
  /password|passwd|passphrase|secret|credential|apikey|privatekey|accesskey|sessionid|authorization|cookie|jwt/;

/** Last words that mark a name (a value *of* a session or token, not a count of them). */
const LAST_WORDS = new Set(['auth', 'session', 'sid', 'otp', 'dsn', 'signature', 'sig', 'pass', 'pw']);

/** Last two words that mark a name. */
const LAST_PAIRS = new Set([
  'api key',
  'access key',
  'private key',
  'secret key',
  'signing key',
  'encryption key',
  'client key',
  'master key',
  'account key',
  'session id',
  'session key',
  'connection string',
  'connection str',
  'conn str',
  'database url',
  'database uri',
  'db url',
  'db uri',
]);

/**
 * Names that are sensitive as URL or form parameters, though harmless as attribute keys
 * (`http.response.status_code` is not an OAuth `code`): OAuth codes, signed-URL signatures, API keys.
 */
const PARAMETER_ONLY = new Set(['code', 'key', 'ticket', 'xamzcredential', 'googleaccessid']);

/** A name's lowercase words: split at anything not a letter or digit, and at camelCase humps. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** True when an attribute key (or a key inside a map value) names a credential. */
export function isSensitiveKey(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  if (words.some((word) => ANYWHERE_WORDS.has(word))) return true;
  if (ANYWHERE_FRAGMENT.test(words.join(''))) return true;
  const last = words[words.length - 1]!;
  // `token`, `access_token`, `idToken`, `csrftoken`; not `tokens` or `token_count`.
  if (last.endsWith('token') || LAST_WORDS.has(last)) return true;
  return words.length > 1 && LAST_PAIRS.has(`${words[words.length - 2]} ${last}`);
}

/** True when a URL query, fragment or form parameter (or a connection-string field) names a credential. */
export function isSensitiveParameter(name: string): boolean {
  return isSensitiveKey(name) || PARAMETER_ONLY.has(nameWords(name).join(''));
}
