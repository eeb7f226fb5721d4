/*
 * Where OTLP/HTTP data for one signal goes, following the exporter specification:
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/ ("Endpoint URLs for OTLP/HTTP"):
 * a signal-specific endpoint is used as is, the generic one gets `/v1/<signal>` appended.
 */

/** An OTLP signal sent over HTTP. */
export type OtlpSignal = 'traces' | 'logs';

/** The resolved destination of one signal. */
export interface OtlpDestination {
  url: string;
  headers: Record<string, string>;
  /** True when an OTEL_* variable chose the URL (then exporters must be left to read it themselves). */
  urlFromEnv: boolean;
}

/** Resolves the URL and headers for `signal`: OTEL_* variables first, then `fallbackBase`. */
export function resolveOtlpDestination(
  signal: OtlpSignal,
  env: NodeJS.ProcessEnv,
  fallbackBase: string,
): OtlpDestination {
  const upper = signal.toUpperCase();
  const specific = env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`]?.trim();
  const generic = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const headers = {
    ...parseOtlpHeaders(env['OTEL_EXPORTER_OTLP_HEADERS']),
    ...parseOtlpHeaders(env[`OTEL_EXPORTER_OTLP_${upper}_HEADERS`]),
  };
  if (specific) return { url: specific, headers, urlFromEnv: true };
  if (generic) return { url: appendSignalPath(generic, signal), headers, urlFromEnv: true };
  return { url: appendSignalPath(fallbackBase, signal), headers, urlFromEnv: false };
}

/** Appends `/v1/<signal>` to a base URL without doubling slashes. */
export function appendSignalPath(base: string, signal: OtlpSignal): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/**
 * Parses `key1=value1,key2=value2` (values percent-encoded, as the W3C Baggage format the spec
 * borrows). Malformed entries are skipped rather than failing the whole list.
 */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!raw) return headers;
  for (const entry of raw.split(',')) {
    const separator = entry.indexOf('=');
    if (separator <= 0) continue;
    const key = entry.slice(0, separator).trim();
    const value = entry.slice(separator + 1).trim();
    if (!key) continue;
    try {
      headers[key] = decodeURIComponent(value);
    } catch {
      headers[key] = value;
    }
  }
  return headers;
}

/** The OTLP protocol configured for `signal` (spec default: http/protobuf). */
export function otlpProtocolFor(signal: OtlpSignal, env: NodeJS.ProcessEnv): string {
  const upper = signal.toUpperCase();
  return (
    env[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`]?.trim() ||
    env['OTEL_EXPORTER_OTLP_PROTOCOL']?.trim() ||
    'http/protobuf'
  );
}

/**
 * Whether Faultline's own pipeline (OTLP/HTTP protobuf) serves `signal`. When OTEL_<SIGNAL>_EXPORTER
 * or the protocol asks for something else, the SDK builds the pipeline from the environment instead.
 */
export function usesFaultlinePipeline(signal: OtlpSignal, env: NodeJS.ProcessEnv): boolean {
  const exporters = env[`OTEL_${signal.toUpperCase()}_EXPORTER`]?.trim();
  if (exporters && exporters !== 'otlp') return false;
  return otlpProtocolFor(signal, env) === 'http/protobuf';
}
