import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders, resolveOtlpDestination, usesFaultlinePipeline } from './otlp-endpoint.js';

describe('resolveOtlpDestination', () => {
  it('appends /v1/<signal> to the fallback base when no variable is set', () => {
    expect(resolveOtlpDestination('traces', {}, 'http://localhost:4318')).toEqual({
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      urlFromEnv: false,
    });
  });

  it('appends the signal path to OTEL_EXPORTER_OTLP_ENDPOINT, and uses a signal endpoint as is', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom',
    };
    expect(resolveOtlpDestination('traces', env, 'http://ignored').url).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(resolveOtlpDestination('logs', env, 'http://ignored').url).toBe('http://logs:9999/custom');
    expect(resolveOtlpDestination('logs', env, 'http://ignored').urlFromEnv).toBe(true);
  });

  it('merges generic and signal headers, the signal ones winning', () => {
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=b',
    };
    expect(resolveOtlpDestination('traces', env, 'http://x').headers).toEqual({
      authorization: 'Bearer abc',
      'x-team': 'b',
    });
  });
});

describe('parseOtlpHeaders', () => {
  it('skips malformed entries instead of failing the list', () => {
    expect(parseOtlpHeaders('a=1,=2,novalue, b = x%zz ')).toEqual({ a: '1', b: 'x%zz' });
  });
});

describe('usesFaultlinePipeline', () => {
  it('serves OTLP over HTTP protobuf and hands anything else to the SDK', () => {
    expect(usesFaultlinePipeline('traces', {})).toBe(true);
    expect(usesFaultlinePipeline('traces', { OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(usesFaultlinePipeline('traces', { OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
    expect(usesFaultlinePipeline('logs', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe(false);
    expect(usesFaultlinePipeline('logs', { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json' })).toBe(false);
  });
});
