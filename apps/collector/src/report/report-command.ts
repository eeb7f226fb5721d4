import { parseArgs } from 'node:util';
import { CollectorClient, CollectorRequestError } from '../client/collector-client.js';
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
  const client = CollectorClient.fromEnv(values.url, env);
  try {
    const text = await client.getText(`/api/traces/${encodeURIComponent(traceId)}/report`);
    process.stdout.write(neutraliseControls(text));
    return 0;
  } catch (error) {
    if (!(error instanceof CollectorRequestError)) throw error;
    process.stderr.write(`faultline: ${neutraliseControls(error.message)}\n`);
    return 1;
  }
}
