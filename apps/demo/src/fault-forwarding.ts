/*
 * The main job's side of the fault switches: each fault lives in one service, so a change is
 * forwarded to that service's `/__faults`, and a listing asks every service.
 */
import { FAULT_CONTROL_PATH } from './fault-control.js';
import type { DemoService, FaultSetting } from './faults.js';
import { FAULT_NAMES, FAULTS } from './faults.js';

/** The answer of a forwarded change: the owner's status and body. */
export interface ForwardedAnswer {
  statusCode: number;
  body: unknown;
}

/** Sends one `{ name, rate }` change to the service that owns the fault. */
export async function forwardFaultSetting(
  serviceUrls: Record<DemoService, string>,
  setting: FaultSetting,
): Promise<ForwardedAnswer> {
  const owner = FAULTS[setting.name].service;
  const response = await fetch(`${serviceUrls[owner]}${FAULT_CONTROL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(setting),
    signal: AbortSignal.timeout(2000),
  });
  return { statusCode: response.status, body: await response.json() };
}

/** Every fault with its current rate, asking each service. */
export async function listFaultSettings(serviceUrls: Record<DemoService, string>): Promise<FaultSetting[]> {
  const owners = Object.entries(serviceUrls) as Array<[DemoService, string]>;
  const answers = await Promise.all(
    owners.map(async ([, url]) => {
      const response = await fetch(`${url}${FAULT_CONTROL_PATH}`, { signal: AbortSignal.timeout(2000) });
      return ((await response.json()) as { faults: FaultSetting[] }).faults;
    }),
  );
  const rates = new Map(answers.flat().map((setting) => [setting.name, setting.rate]));
  return FAULT_NAMES.map((name) => ({ name, rate: rates.get(name) ?? 0 }));
}

/** The fault table as the terminal shows it: one line per fault, rate and what it does. */
export function formatFaultTable(
  settings: readonly FaultSetting[],
  notes: ReadonlyMap<string, string> = new Map(),
): string {
  return settings
    .map(({ name, rate }) => {
      const state = rate > 0 ? `${String(Math.round(rate * 100)).padStart(3)}%` : ' off';
      const note = notes.get(name);
      return `  ${state}  ${name.padEnd(17)} ${note ?? FAULTS[name].description}`;
    })
    .join('\n');
}
