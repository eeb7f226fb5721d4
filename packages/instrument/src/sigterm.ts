import { describeError, writeWarning } from './faultline-log.js';

/**
 * Flushes telemetry on SIGTERM. A SIGTERM listener replaces Node's default action (exit), so after the
 * flush, when nobody else listens for SIGTERM, the signal is raised again with the default action
 * restored: the process ends exactly as it would have without Faultline (killed by SIGTERM, 143 in a
 * shell). When the app has its own listener, ending the process is left to it. Returns a function
 * that removes the listener.
 */
export function flushOnSigterm(flush: () => Promise<void>): () => void {
  const onSigterm = (): void => {
    process.removeListener('SIGTERM', onSigterm);
    flush()
      .catch((error: unknown) => writeWarning(`flush on SIGTERM failed: ${describeError(error)}`))
      .finally(() => {
        if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
      });
  };
  process.on('SIGTERM', onSigterm);
  return () => process.removeListener('SIGTERM', onSigterm);
}
