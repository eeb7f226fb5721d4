import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/fault-zoo: the services' working directory, so their requires resolve to its dependencies. */
const ZOO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A zoo service running in a child process under `--require @faultline/instrument/register`. */
export interface ZooService {
  url: string;
  /** GETs `pathname`, returning the status and the trace id from the `traceresponse` header. */
  get(pathname: string): Promise<{ status: number; traceId: string | undefined }>;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `services/<script>` on a free port with OTEL_SERVICE_NAME `name`, exporting to `otlpUrl`
 * (with 100 ms batch delays unless `defaultExportDelays`); resolves once it prints `{"port":N}`.
 */
export async function startService(
  script: string,
  name: string,
  otlpUrl: string,
  env: Record<string, string> = {},
  options: { defaultExportDelays?: boolean } = {},
): Promise<ZooService> {
  // Short batch delays keep the suite quick; the load test measures with the SDK's defaults.
  const delays = options.defaultExportDelays
    ? {}
    : { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' };
  const child = spawn(
    process.execPath,
    ['--require', '@faultline/instrument/register', path.join(ZOO_DIR, 'services', script)],
    {
      cwd: ZOO_DIR,
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        PORT: '0',
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
        ...delays,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /\{"port":(\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited early: ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    exited,
    stderr: () => stderr,
    async get(pathname) {
      const response = await fetch(`${url}${pathname}`, { signal: AbortSignal.timeout(20_000) });
      await response.arrayBuffer();
      const header = response.headers.get('traceresponse');
      return {
        status: response.status,
        traceId: header ? /^00-([0-9a-f]{32})-/.exec(header)?.[1] : undefined,
      };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
