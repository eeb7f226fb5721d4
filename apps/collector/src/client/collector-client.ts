/**
 * The commands that read a running collector (`faultline report`, `faultline mcp`) share this client:
 * where the collector is (`--url`, FAULTLINE_URL, else http://127.0.0.1:FAULTLINE_PORT), the bearer
 * token (FAULTLINE_TOKEN), and one sentence for every way a request can fail, so neither command
 * prints a stack trace or a raw `fetch failed`.
 */

/** Why a request to the collector gave no answer to use; `message` is a sentence for a person. */
export class CollectorRequestError extends Error {
  constructor(
    message: string,
    /** `unreachable` (no HTTP answer), `http` (an error status), `not_json` (not Faultline's API). */
    readonly kind: 'unreachable' | 'http' | 'not_json',
    readonly status?: number,
    /** The collector's `FL_ERR_…` code, when it sent one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** How long one request may take: a big trace's outline is read in well under this. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A running collector's query API, as the CLI's commands reach it. */
export class CollectorClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;

  constructor(baseUrl: string, token: string | undefined) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token === '' ? undefined : token;
  }

  /** The collector named by `--url`, else FAULTLINE_URL, else 127.0.0.1 on FAULTLINE_PORT (8318). */
  static fromEnv(urlFlag: string | undefined, env: NodeJS.ProcessEnv): CollectorClient {
    const url = urlFlag ?? env.FAULTLINE_URL ?? `http://127.0.0.1:${env.FAULTLINE_PORT ?? 8318}`;
    return new CollectorClient(url, env.FAULTLINE_TOKEN);
  }

  /** GET `path` (starting with `/api/`) and the answer's text; throws CollectorRequestError. */
  async getText(path: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CollectorRequestError(
        `cannot reach the collector at ${this.baseUrl}: ${networkReason(error)}`,
        'unreachable',
      );
    }
    const text = await response.text();
    if (response.ok) return text;
    let code: string | undefined;
    let message = text;
    try {
      ({ code, message } = JSON.parse(text) as { code?: string; message: string });
    } catch {
      // not JSON (a proxy's page): shown as sent, capped
      message = `${response.status} ${response.statusText}: ${text.slice(0, 200)}`;
    }
    if (response.status === 401) {
      message = this.token
        ? `the collector at ${this.baseUrl} refused FAULTLINE_TOKEN (401): it does not match the collector's token`
        : `the collector at ${this.baseUrl} requires a token (401): set FAULTLINE_TOKEN to the collector's token`;
    }
    throw new CollectorRequestError(message, 'http', response.status, code);
  }

  /** GET `path` as JSON; an answer that is not JSON is Faultline's API on some other port. */
  async getJson<T>(path: string): Promise<T> {
    const text = await this.getText(path);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CollectorRequestError(
        `${this.baseUrl} answered ${path} with something other than Faultline's JSON API: is it the collector's UI + API port (default 8318)?`,
        'not_json',
      );
    }
  }
}

/** `fetch failed` says nothing: the cause (ECONNREFUSED, ENOTFOUND, a timeout) says what to fix. */
function networkReason(error: unknown): string {
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = err.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is `faultline` running there?)';
  return cause?.message ?? err.message;
}
