import { Worker } from 'node:worker_threads';

/*
 * A blocking HTTP POST, for the moments when the process is about to die and no more event-loop turns
 * will come (`uncaughtExceptionMonitor`, `exit`). The request runs in a short-lived worker thread while
 * the main thread waits on a shared flag with Atomics.wait, bounded by a deadline.
 */

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { url, headers, body, timeoutMillis, flag } = workerData;
const state = new Int32Array(flag);
const finish = (code) => { Atomics.store(state, 0, code); Atomics.notify(state, 0); };
try {
  const target = new URL(url);
  const transport = require(target.protocol === 'https:' ? 'node:https' : 'node:http');
  const request = transport.request(target, {
    method: 'POST',
    timeout: timeoutMillis,
    headers: { ...headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength },
  }, (response) => {
    response.resume();
    response.on('end', () => finish(response.statusCode >= 200 && response.statusCode < 300 ? 1 : 2));
  });
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', () => finish(2));
  request.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
} catch {
  finish(2);
}
`;

/** Outcome of a blocking POST. */
export type SyncPostOutcome = 'delivered' | 'rejected' | 'timed-out';

/** POSTs an OTLP protobuf body and blocks the calling thread until it is answered or `timeoutMillis` passes. */
export function postProtobufSync(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMillis: number,
): SyncPostOutcome {
  const flag = new SharedArrayBuffer(4);
  const state = new Int32Array(flag);
  // execArgv: [] keeps the worker from preloading Faultline (or anything else) itself.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { url, headers, body, timeoutMillis, flag },
    stdout: true,
    stderr: true,
  });
  worker.unref();
  const waited = Atomics.wait(state, 0, 0, timeoutMillis);
  void worker.terminate().catch(() => undefined);
  if (waited === 'timed-out') return 'timed-out';
  return Atomics.load(state, 0) === 1 ? 'delivered' : 'rejected';
}
