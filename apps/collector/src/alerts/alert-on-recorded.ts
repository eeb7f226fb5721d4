import { CAUSE_LABELS, type Cause } from '@faultline/diagnosis';
import type { Store } from '../store/store.js';
import type { DiagnosisRecord, RecordOutcome } from '../store/types.js';
import { type AlertEvent, alertPayload } from './alert-payload.js';
import { RateJumpDetector } from './rate-jump.js';
import type { WebhookAlerter } from './webhook-alerter.js';

/**
 * The diagnosis loop's hook that alerts: once when a failure group first appears, and when a group's
 * rate jumps (RateJumpDetector). Returns the callback for `startFinalizeLoop({ onRecorded })`.
 */
export function alertOnRecorded(store: Store, alerter: WebhookAlerter, publicUrl: string) {
  const jumps = new RateJumpDetector();
  return async (traceId: string, record: DiagnosisRecord | null, outcome: RecordOutcome): Promise<void> => {
    if (record === null || (outcome !== 'new_group' && outcome !== 'counted')) return;
    const jumped = jumps.observe(record.fingerprint, Date.now());
    const event: AlertEvent | null =
      outcome === 'new_group' ? 'new_failure_group' : jumped ? 'failure_rate_jump' : null;
    if (event === null) return;
    const group = await store.groupOfTrace(traceId);
    if (!group) return;
    alerter.send(
      alertPayload(event, group, CAUSE_LABELS[group.cause as Cause] ?? group.cause, traceId, publicUrl),
    );
  };
}
