/*
 * The collector may require a bearer token (FAULTLINE_TOKEN). The UI asks for it once and keeps it in
 * localStorage, so a reload does not ask again.
 */

const KEY = 'faultline.token';

/** The stored API token, if any. */
export function readToken(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores (or, with an empty string, forgets) the API token. */
export function writeToken(token: string): void {
  try {
    if (token === '') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, token);
  } catch {
    // Storage can be disabled; the token then lasts until reload, which is still usable.
  }
  memoryToken = token === '' ? undefined : token;
}

let memoryToken: string | undefined;

/** The token to send: the one entered this session, else the stored one. */
export function currentToken(): string | undefined {
  return memoryToken ?? readToken();
}
