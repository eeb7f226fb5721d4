import { parseArgs } from 'node:util';
import { neutraliseControls } from './terminal-text.js';

/**
 * `faultline report <traceId> [--url URL]`: prints the incident report of a trace from a running
 * collector (default http://127.0.0.1:8318, or FAULTLINE_URL), with FAULTLINE_TOKEN when set.
 * The report quotes span data, so control characters are neutralised before anything is printed
 * (terminal-text.ts), piped or not: markdown needs none but LF and TAB. Returns the process exit code.
 */
export async function reportCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' } },
  });
  const traceId = positionals[0];
  if (!traceId || positionals.length > 1) {
    process.stderr.write('Usage: faultline report <traceId> [--url http://127.0.0.1:8318]\n');
    return 2;
  }
  const base = (values.url ?? env.FAULTLINE_URL ?? `http://127.0.0.1:${env.FAULTLINE_PORT ?? 8318}`).replace(
    /\/$/,
    '',
  );
  const headers: Record<string, string> = env.FAULTLINE_TOKEN
    ? { authorization: `Bearer ${env.FAULTLINE_TOKEN}` }
    : {};
  let response: Response;
  try {
    response = await fetch(`${base}/api/traces/${encodeURIComponent(traceId)}/report`, { headers });
  } catch (error) {
    process.stderr.write(
      neutraliseControls(`faultline: cannot reach the collector at ${base}: ${(error as Error).message}\n`),
    );
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message: string }).message;
    } catch {
      // not JSON: print as is
    }
    process.stderr.write(`faultline: ${neutraliseControls(message)}\n`);
    return 1;
  }
  process.stdout.write(neutraliseControls(text));
  return 0;
}
