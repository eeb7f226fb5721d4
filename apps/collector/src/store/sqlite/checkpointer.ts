import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite WAL checkpoints on a worker thread, so they no longer happen inside the writer's
 * commits on the event loop. Under sustained ingest most of the writer's commit time was the automatic
 * checkpoint (copying WAL pages into the database file and syncing it) that SQLite runs in whichever
 * commit crosses 1000 WAL pages (profile in bench/RESULTS.md). With the writer's
 * in-line threshold raised, this worker checkpoints every `intervalMs` on its own connection, which
 * WAL mode allows next to a writer; PASSIVE never blocks the writer. (The writer keeps a high
 * in-line threshold as a safety net, see SqliteStore.)
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 2000');
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ stopped: true });
  }
});
`;

/** A running checkpoint worker. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `path` on a worker thread. */
export function startCheckpointer(
  path: string,
  options: { intervalMs: number; onError: (message: string) => void },
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Not the parent's flags: with `--input-type=module` (or a loader) the eval'd source would not
    // run as the CommonJS it is.
    execArgv: [],
    workerData: {
      path,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: options.intervalMs,
    },
  });
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error) options.onError(message.error);
  });
  worker.on('error', (error) => options.onError(error.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (message: { stopped?: boolean }) => {
          if (message.stopped) void worker.terminate().then(done, done);
        });
        worker.postMessage('stop');
      }),
  };
}
