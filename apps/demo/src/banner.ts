/*
 * What `pnpm demo` prints once everything is up: where to look, what is failing on purpose, and how
 * to change it. Written for someone who has never seen Faultline.
 */
import { formatFaultTable } from './fault-forwarding.js';
import type { FaultSetting } from './faults.js';

/** The facts the banner shows. */
export interface BannerFacts {
  uiUrl: string;
  gatewayUrl: string;
  controlUrl: string;
  /** How orders stores its data, in words. */
  database: string;
  requestsPerSecond: number;
  faults: readonly FaultSetting[];
  /** Per-fault remarks that replace the description (e.g. why a fault was skipped). */
  notes: ReadonlyMap<string, string>;
}

/** The banner text, several lines, no trailing newline. */
export function formatBanner(facts: BannerFacts): string {
  return [
    '',
    `  Faultline is up. Open ${facts.uiUrl} to see failures as they are diagnosed.`,
    '',
    `  gateway  ${facts.gatewayUrl}  (Fastify, instrumented)   try: curl -i ${facts.gatewayUrl}/api/orders/1`,
    `  orders   Express, instrumented, on ${facts.database}`,
    '  legacy   plain node:http, NOT instrumented (it sends no spans)',
    '',
    `  Sending ~${facts.requestsPerSecond} requests a second through the gateway. Faults (chance a request is hit):`,
    formatFaultTable(facts.faults, facts.notes),
    '',
    '  Change one:  pnpm demo:fault exception 1     (rate 0..1; 0 turns it off; no arguments lists them)',
    `               or POST ${facts.controlUrl} {"name":"exception","rate":1}`,
    '  Stop:        Ctrl-C',
    '',
  ].join('\n');
}
