/*
 * How a demo service reads its settings from the environment the main job gives it. A missing or
 * malformed setting stops the service at once with one line saying which, rather than later with a
 * confusing connection error.
 */

/** Reads a TCP port from `env[name]`, falling back to `fallback` when unset. */
export function readPort(env: NodeJS.ProcessEnv, name: string, fallback?: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    return fail(`cannot start: ${name} is not set`);
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return fail(`cannot start: ${name} must be a port, got "${raw}"`);
  return port;
}

/** Reads an http(s) base URL from `env[name]` (without trailing slash), falling back when unset. */
export function readBaseUrl(env: NodeJS.ProcessEnv, name: string, fallback?: string): string {
  const raw = env[name]?.trim() || fallback;
  if (raw === undefined) return fail(`cannot start: ${name} is not set`);
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    return fail(`cannot start: ${name} must be an http URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** Ends a service that cannot listen with one line (the main job shows it), not a stack trace. */
export function exitOnListenError(service: string, port: number): (error: Error) => never {
  return (error) => fail(`${service} cannot listen on 127.0.0.1:${port}: ${error.message}`);
}

function fail(problem: string): never {
  process.stderr.write(`[demo] ${problem}\n`);
  process.exit(2);
}
