/**
 * The span attributes @faultline/instrument writes on an exported server span to describe its process
 * at the span's end (fixed for issue 24, shared with packages/instrument). They are span attributes,
 * not the semconv runtime metrics (`nodejs.eventloop.delay.*`, `v8js.memory.heap.*`,
 * `v8js.gc.duration`), which are metric names; the figures are the same measurements.
 */
export const PROCESS_ATTRIBUTES = {
  windowMs: 'faultline.process.window_ms',
  eventLoopDelayMaxMs: 'faultline.process.eventloop.delay_max_ms',
  eventLoopDelayP99Ms: 'faultline.process.eventloop.delay_p99_ms',
  eventLoopUtilization: 'faultline.process.eventloop.utilization',
  cpuUtilization: 'faultline.process.cpu.utilization',
  heapUsedBytes: 'faultline.process.heap.used_bytes',
  heapLimitBytes: 'faultline.process.heap.limit_bytes',
  rssBytes: 'faultline.process.memory.rss_bytes',
  gcPauseMs: 'faultline.process.gc.pause_ms',
  activeRequests: 'faultline.process.active_requests',
  cpuCount: 'faultline.process.cpu.count',
} as const;
