/*
 * Preloaded (`--import`) into every process the demo's main job starts, the collector included. The
 * main job talks to its children over an IPC channel it never uses for messages; when the main job
 * dies, however it dies (even SIGKILL), the channel closes and the child ends itself with SIGTERM, so
 * its own shutdown (span flush, database close) still runs and no process is left behind.
 */
process.once('disconnect', () => {
  process.kill(process.pid, 'SIGTERM');
});
