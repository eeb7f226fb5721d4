/*
 * Starting and stopping the demo's processes. Each child runs in its own process group (so Ctrl-C in
 * the terminal reaches only the main job, which then stops the children in order), writes its output
 * to a log file, and carries `exit-with-parent` so it cannot outlive the main job.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EXIT_WITH_PARENT = new URL('../dist/exit-with-parent.js', import.meta.url).href;

/** What to run. `args` are Node arguments (flags, then the script and its arguments). */
export interface ChildSpec {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  cwd?: string;
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child process. */
export interface RunningChild {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has ended. */
  readonly exited: Promise<ChildExit>;
  /** True until the process has ended. */
  isRunning(): boolean;
  /** SIGTERM to the child's process group, then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs: number): Promise<ChildExit>;
  /** SIGKILL to the process group at once, synchronously (for the exit path). */
  kill(): void;
}

/** Starts `node <args>` as a process-group leader with an IPC channel and its output in `logFile`. */
export function startChild(spec: ChildSpec): RunningChild {
  const log = openSync(spec.logFile, 'a');
  let running = true;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, ...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', log, log, 'ipc'],
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.name}`);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  // The channel exists only so the child notices our death; it must not keep us alive.
  child.channel?.unref();
  child.unref();
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (!running) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  return {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    isRunning: () => running,
    stop: async (graceMs) => {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    kill: () => signalGroup('SIGKILL'),
  };
}

/** The last lines of a child's log, to show why it failed. */
export function logTail(child: RunningChild, lines = 15): string {
  try {
    const text = readFileSync(child.logFile, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `url` until it answers 200, the child exits, or `timeoutMs` passes; throws with the child's
 * log tail in the latter two cases.
 */
export async function waitUntilHealthy(child: RunningChild, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.isRunning()) {
      const { code, signal } = await child.exited;
      throw new Error(
        `${child.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${logTail(child)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} was not ready within ${timeoutMs} ms (${url}):\n${logTail(child)}`);
}

/** The demo's compiled script `name` (e.g. `gateway.js`), as a file path. */
export function distScript(name: string): string {
  return fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
}
