import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { APP_NODE_BINARY, assertAppNodeVersion } from './app-node.js';
import { betterSqlite3Binding } from './better-sqlite3-binding.js';
import { APPS_DIR, PACKAGE_DIR } from './paths.js';

/** How the app under test loads instrumentation. */
export type Preload = 'faultline-require' | 'faultline-import' | 'otel-require' | 'none';

/** An HTTP response as the tests look at it. */
export interface AppResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Trace id from the `traceresponse` header, if any. */
  traceId: string | undefined;
}

/** How a child process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A test app running in a child process. */
export interface AppProcess {
  url: string;
  pid: number;
  /** GETs `pathname`; `traceId` sends a `traceparent` so the request's trace is known even if no answer comes. */
  get(pathname: string, options?: { traceId?: string; timeoutMs?: number }): Promise<AppResponse>;
  /** Resolves when the process has exited. */
  exited: Promise<ExitInfo>;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

const PRELOAD_ARGS: Record<Preload, string[]> = {
  'faultline-require': ['--require', '@faultline/instrument/register'],
  'faultline-import': ['--import', '@faultline/instrument/register'],
  'otel-require': ['--require', '@opentelemetry/auto-instrumentations-node/register'],
  none: [],
};

/**
 * Starts `test/apps/<script>` on a free port with APP_NODE_BINARY (the app prints
 * `{"port":N,"node":"vX.Y.Z"}` once listening; the Node version is checked). Runs in
 * packages/instrument so `--require @faultline/instrument/register` resolves to this package's dist.
 */
export async function startApp(
  script: string,
  options: { preload?: Preload; env?: Record<string, string | undefined> } = {},
): Promise<AppProcess> {
  const child = spawn(
    APP_NODE_BINARY,
    [...PRELOAD_ARGS[options.preload ?? 'faultline-require'], path.join(APPS_DIR, script)],
    {
      cwd: PACKAGE_DIR,
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        PORT: '0',
        // Shorter batch delays than the 500 ms defaults keep the suite quick; tests of defaults override.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        FAULTLINE_TEST_BETTER_SQLITE3_BINDING: betterSqlite3Binding(),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time: ${stderr}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /\{"port":(\d+)(?:,"node":"(v[^"]+)")?\}/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        try {
          assertAppNodeVersion(script, match[2]);
          resolve(Number(match[1]));
        } catch (error) {
          child.kill();
          reject(error);
        }
      }
    });
    void exited.then((info) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited early (${JSON.stringify(info)}): ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid as number,
    exited,
    stderr: () => stderr,
    async get(pathname, requestOptions = {}) {
      const headers: Record<string, string> = {};
      if (requestOptions.traceId) headers['traceparent'] = `00-${requestOptions.traceId}-${randomHex(8)}-01`;
      const signal = AbortSignal.timeout(requestOptions.timeoutMs ?? 10_000);
      const response = await fetch(`${url}${pathname}`, { headers, signal });
      return {
        status: response.status,
        headers: response.headers,
        body: await response.text(),
        traceId: traceIdFromHeader(response.headers.get('traceresponse')),
      };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Random lowercase hex of `bytes` bytes: a trace id is 16, a span id 8. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Extracts the trace id from a `traceresponse` header value. */
export function traceIdFromHeader(value: string | null): string | undefined {
  return value ? /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(value)?.[1] : undefined;
}

/**
 * Runs `script` for the tests of the enclosing describe block: started before them with `env()` (read
 * then, so it may name a collector an outer beforeAll started), stopped after them. Returns the app.
 */
export function appForSuite(script: string, env: () => Record<string, string | undefined>): () => AppProcess {
  let app: AppProcess | undefined;
  beforeAll(async () => {
    app = await startApp(script, { env: env() });
  });
  afterAll(async () => {
    await app?.stop();
  });
  return () => {
    if (app === undefined) throw new Error(`${script} is not running`);
    return app;
  };
}
