/*
 * `pnpm demo:fault <name> <rate>` (or `pnpm --filter @faultline/demo fault ...`): changes one fault of
 * the running demo through the main job's control entry point; with no arguments, lists them.
 */
import { CONTROL_PATH } from './control-server.js';
import { DEMO_ENV } from './demo-config.js';
import { formatFaultTable } from './fault-forwarding.js';
import type { FaultSetting } from './faults.js';
import { FAULT_NAMES } from './faults.js';

const USAGE = `usage: pnpm demo:fault <name> <rate>   (rate 0..1: the chance a request is hit; 0 turns it off)
       pnpm demo:fault                  (list the faults)
faults: ${FAULT_NAMES.join(', ')}`;

async function main(args: string[]): Promise<number> {
  if (args[0] === '-h' || args[0] === '--help' || args.length === 1 || args.length > 2) {
    process.stdout.write(`${USAGE}\n`);
    return args.length === 1 || args.length > 2 ? 2 : 0;
  }
  const [envName, fallback] = DEMO_ENV.controlPort;
  const url = `http://127.0.0.1:${process.env[envName] || fallback}${CONTROL_PATH}`;
  let response: Response;
  try {
    response =
      args.length === 0
        ? await fetch(url)
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: args[0], rate: args[1] }),
          });
  } catch {
    process.stderr.write(`The demo is not running (nothing answers at ${url}). Start it with: pnpm demo\n`);
    return 1;
  }
  const body = (await response.json()) as { faults?: FaultSetting[]; error?: string };
  if (!response.ok || body.faults === undefined) {
    process.stderr.write(`${body.error ?? `the demo answered ${response.status}`}\n`);
    return 1;
  }
  process.stdout.write(`${formatFaultTable(body.faults)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
