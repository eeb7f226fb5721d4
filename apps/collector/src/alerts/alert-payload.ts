import type { FailureGroup } from '../store/types.js';
import { slackEscape } from './slack-escape.js';

/** Why an alert was sent. */
export type AlertEvent = 'new_failure_group' | 'failure_rate_jump';

/** One alert (JSON). `text` is one line of Slack text, every data-derived part escaped. */
export interface AlertPayload {
  text: string;
  event: AlertEvent;
  group: {
    fingerprint: string;
    originService: string;
    originOperation: string;
    cause: string;
    causeLabel: string;
    summary: string;
    count: number;
    firstVersion: string | null;
  };
  traceId: string;
  traceUrl: string;
}

/** Builds the payload for one alert; the structured fields keep the raw values, `text` is escaped. */
export function alertPayload(
  event: AlertEvent,
  group: FailureGroup,
  causeLabel: string,
  traceId: string,
  publicUrl: string,
): AlertPayload {
  const traceUrl = `${publicUrl.replace(/\/$/, '')}/traces/${traceId}`;
  const what = event === 'new_failure_group' ? 'New failure' : `Failure rate jumped (${group.count} so far)`;
  const text = [
    `${what}: ${group.originService} › ${group.originOperation} — ${causeLabel}. ${group.summary} `,
    traceUrl,
  ]
    .map(slackEscape)
    .join('');
  return {
    text,
    event,
    group: {
      fingerprint: group.fingerprint,
      originService: group.originService,
      originOperation: group.originOperation,
      cause: group.cause,
      causeLabel,
      summary: group.summary,
      count: group.count,
      firstVersion: group.firstVersion,
    },
    traceId,
    traceUrl,
  };
}
