import { format } from 'node:util';
import { context, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { isTracingSuppressed } from '@opentelemetry/core';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

type ConsoleMethod = (...args: unknown[]) => void;
const LEVELS = [
  { method: 'error', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' },
  { method: 'warn', severityNumber: SeverityNumber.WARN, severityText: 'WARN' },
] as const;

/**
 * Makes `console.error` / `console.warn` calls made inside a recording span also emit an OTLP log
 * record (body: the formatted message) in that span's context: frameworks such as Koa report a 500's
 * error only there. The console output itself is untouched. A re-entrancy guard keeps a logging
 * pipeline that writes to the console from feeding itself; Faultline's own warnings bypass the
 * console altogether. Returns a function that restores the console.
 */
export function captureConsole(target: Console = console): () => void {
  const logger = logs.getLogger(`${PACKAGE_NAME}/console`, PACKAGE_VERSION);
  let emitting = false;
  const restores = LEVELS.map(({ method, severityNumber, severityText }) => {
    const original = target[method] as ConsoleMethod;
    const captured: ConsoleMethod = function capturedConsole(this: unknown, ...args: unknown[]) {
      original.apply(this, args);
      if (emitting) return;
      const active = context.active();
      if (isTracingSuppressed(active) || !trace.getSpan(active)?.isRecording()) return;
      emitting = true;
      try {
        logger.emit({
          severityNumber,
          severityText,
          body: format(...args),
          attributes: { 'log.source': `console.${method}` },
          context: active,
        });
      } catch {
        // A log that cannot be emitted must not turn into an error in the application.
      } finally {
        emitting = false;
      }
    };
    target[method] = captured;
    return () => {
      if (target[method] === captured) target[method] = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
