/*
 * The `/__faults` control exchange every demo service answers, apart from any web framework so that
 * Fastify, Express and plain node:http services mount the same behaviour.
 *
 *   GET  /__faults                      -> 200 { service, faults: [{ name, rate }] }
 *   POST /__faults { "name", "rate" }   -> 200 same shape | 400 { error } | 409 { error }
 */
import type { FaultSetting, FaultSwitches } from './faults.js';
import { FAULTS, parseFaultSetting } from './faults.js';

/** The path of the control endpoint on every service. */
export const FAULT_CONTROL_PATH = '/__faults';

/** An answer to send: status and JSON body. */
export interface ControlAnswer {
  statusCode: number;
  body: unknown;
}

/** Says why a service cannot carry a fault it owns (e.g. slow-query without PostgreSQL), or undefined. */
export type FaultRefusal = (setting: FaultSetting) => string | undefined;

/** Answers one control request for a service's switches. `body` is the parsed JSON (POST only). */
export function answerFaultControl(
  switches: FaultSwitches,
  method: string,
  body: unknown,
  refuse: FaultRefusal = () => undefined,
): ControlAnswer {
  const current = (): ControlAnswer => ({
    statusCode: 200,
    body: { service: switches.service, faults: switches.snapshot() },
  });
  if (method === 'GET') return current();
  if (method !== 'POST') return { statusCode: 405, body: { error: 'use GET or POST' } };
  const setting = parseFaultSetting(body);
  if (typeof setting === 'string') return { statusCode: 400, body: { error: setting } };
  const owner = FAULTS[setting.name].service;
  if (owner !== switches.service) {
    return {
      statusCode: 400,
      body: { error: `${setting.name} belongs to ${owner}, not ${switches.service}` },
    };
  }
  const refusal = setting.rate > 0 ? refuse(setting) : undefined;
  if (refusal !== undefined) return { statusCode: 409, body: { error: refusal } };
  switches.set(setting.name, setting.rate);
  return current();
}
