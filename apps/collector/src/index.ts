export type { BoundPorts, BuildOptions, Collector } from './app.js';
export { buildApp } from './app.js';
export type { CollectorConfig } from './config.js';
export { DEFAULT_CONFIG, loadConfig } from './config.js';
export { CollectorError } from './errors.js';
export { Finalizer, type FinalizerOptions } from './finalize/finalizer.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export type { Store } from './store/store.js';
export type { TracePage, TraceQuery, TraceSummary } from './store/types.js';
