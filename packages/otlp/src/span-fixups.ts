import type { Attributes, Span } from '@faultline/model';
import { UNKNOWN_SERVICE } from '@faultline/model';
import { int64Value, setAttribute } from './value-limits.js';

/** The attribute that records how far before its start a span claimed to end (a negative number of ns). */
export const CLOCK_SKEW_ATTRIBUTE = 'faultline.clock_skew_ns';

/**
 * Keeps a span whose end is before its start (clock skew between threads or hosts, or a bug in a
 * hand-rolled exporter) by setting its end to its start and recording the negative amount, so
 * durations never go negative downstream.
 */
export function fixClockSkew(span: Span): void {
  if (span.endTimeUnixNano >= span.startTimeUnixNano) return;
  setAttribute(
    span.attributes,
    CLOCK_SKEW_ATTRIBUTE,
    int64Value(span.endTimeUnixNano - span.startTimeUnixNano),
  );
  span.endTimeUnixNano = span.startTimeUnixNano;
}

/** The service a resource describes: its `service.name`, else the SDK's own default. */
export function serviceNameOf(resource: Attributes): string {
  const name = Object.hasOwn(resource, 'service.name') ? resource['service.name'] : undefined;
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}
