/*
 * Faultline's own diagnostics. They go straight to stderr, not through `console`, so that console
 * capture can never see (and re-emit) them, and they are rate limited: telemetry trouble must never
 * flood the host's logs.
 */

const PREFIX = '[faultline] ';
const lastWrittenAtMs = new Map<string, number>();

/** Writes one `[faultline]`-prefixed line to stderr; never throws. */
export function writeWarning(message: string): void {
  try {
    process.stderr.write(`${PREFIX}${message}\n`);
  } catch {
    // stderr closed or broken: nothing sensible left to do.
  }
}

/** Writes `message` only the first time `key` is seen in this process. */
export function warnOnce(key: string, message: string): void {
  if (lastWrittenAtMs.has(key)) return;
  lastWrittenAtMs.set(key, Date.now());
  writeWarning(message);
}

/** Writes `message` at most once per `intervalMs` for the same `key`; returns whether it was written. */
export function warnAtMostEvery(
  key: string,
  intervalMs: number,
  message: string,
  nowMs = Date.now(),
): boolean {
  const last = lastWrittenAtMs.get(key);
  if (last !== undefined && nowMs - last < intervalMs) return false;
  lastWrittenAtMs.set(key, nowMs);
  writeWarning(message);
  return true;
}

/** Describes any thrown value in one line, for warnings. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
