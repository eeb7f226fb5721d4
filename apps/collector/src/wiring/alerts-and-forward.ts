import type { FastifyBaseLogger } from 'fastify';
import { alertOnRecorded } from '../alerts/alert-on-recorded.js';
import { WebhookAlerter } from '../alerts/webhook-alerter.js';
import type { CollectorConfig } from '../config.js';
import type { FinalizeLoopOptions } from '../finalize/finalize-loop.js';
import { OtlpForwarder } from '../forward/otlp-forwarder.js';
import type { Store } from '../store/store.js';

/**
 * The `--forward` re-exporter, when set. `log` is read only when something is dropped, so the
 * forwarder may be built before the listener whose log it writes to.
 */
export function buildForwarder(
  config: CollectorConfig,
  log: () => FastifyBaseLogger,
): OtlpForwarder | undefined {
  if (!config.forwardUrl) return undefined;
  return new OtlpForwarder({
    url: config.forwardUrl,
    onDrop: (reason, requests) => log().warn(`forward: dropped ${requests} requests: ${reason}`),
  });
}

/** The finalizer's `onRecorded` that posts `--alert-webhook` alerts, when one is set. */
export function webhookAlerts(
  config: CollectorConfig,
  store: Store,
  publicUrl: string,
  log: FastifyBaseLogger,
  alertIntervalMs: number | undefined,
): Pick<FinalizeLoopOptions, 'onRecorded'> {
  if (!config.alertWebhook) return {};
  const alerter = new WebhookAlerter(config.alertWebhook, (m) => log.warn(m), {
    ...(alertIntervalMs !== undefined ? { intervalMs: alertIntervalMs } : {}),
  });
  return { onRecorded: alertOnRecorded(store, alerter, publicUrl) };
}
