import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment of a user's shell: this test's, less everything pnpm, npm scripts, vitest and the
 * workspace put there (npm_* settings, node_modules/.bin on PATH, NODE_OPTIONS, NODE_PATH), so nothing
 * of the clone can be found from the user's project.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|NODE_PATH$|INIT_CWD$|VITEST|TURBO_|FAULTLINE_|OTEL_)/i.test(key))
      continue;
    env[key] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((entry) => !entry.includes('node_modules'))
    .join(delimiter);
  return { ...env, ...extra };
}

/** A folder outside the workspace, removed by `dispose()`. */
export function tempDir(prefix: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), `faultline-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs a command as the user would type it; rejects with its output when it fails. */
export async function sh(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, {
      cwd: options.cwd,
      env: options.env ?? userEnv(),
      // An install compiles better-sqlite3: about a minute and a half on 2 idle cores, far more when busy.
      timeout: options.timeoutMs ?? 1_200_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${file} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
    );
  }
}

/** A new npm project in `dir` with the given files (name -> content). */
export function writeProject(dir: string, files: Record<string, string>): void {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'my-service', version: '1.0.0', private: true }),
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** A long-running child process whose output is kept for assertions and failure messages. */
export interface Running {
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout and stderr together). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `file args` in `cwd` with the user's environment plus `env`. */
export function start(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Running {
  // A process group of its own: `npx` runs the bin as a child, and stopping must reach it too.
  const child = spawn(file, args, {
    cwd,
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    for (const waiter of waiters) waiter();
  });
  return {
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`${file} ${args.join(' ')}: no ${pattern} within ${timeoutMs} ms; output:\n${output}`),
          );
        }, timeoutMs);
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(match);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `${file} ${args.join(' ')} exited ${child.exitCode} before ${pattern}; output:\n${output}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
      // Wait for the rest of the group (the collector under npx) to have exited as well.
      await poll(
        'the process group to exit',
        async () => {
          try {
            process.kill(-child.pid!, 0);
            return undefined;
          } catch {
            return true;
          }
        },
        10_000,
      );
    },
  };
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
