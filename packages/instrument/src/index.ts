/*
 * @faultline/instrument: OpenTelemetry for Node services with what a 500 hunt needs. Most apps only
 * need `node --require @faultline/instrument/register app.js`; `start()` is the programmatic twin.
 */

export type { BetterSqlite3InstrumentationConfig } from './better-sqlite3-instrumentation.js';
export { BetterSqlite3Instrumentation } from './better-sqlite3-instrumentation.js';
export type { FaultlineOptions } from './options.js';
export type { FaultlineHandle } from './start.js';
export { start } from './start.js';

import { runningInstance } from './start.js';

/** Spans dropped so far because the export queue was full (0 when Faultline is not running). */
export function droppedSpanCount(): number {
  return runningInstance()?.droppedSpanCount() ?? 0;
}

/** Successful traces (and their spans) left out by success sampling so far (zeros when not running). */
export function sampledOutCount(): { traces: number; spans: number } {
  return runningInstance()?.sampledOut() ?? { traces: 0, spans: 0 };
}
