import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, resolveOptions } from './options.js';

describe('resolveOptions', () => {
  it('defaults to the sidecar collector with every feature on, a 2 s shutdown deadline and success sampling past 100 traces/s', () => {
    expect(resolveOptions(undefined, {})).toEqual({
      ok: true,
      warnings: [],
      options: {
        serviceName: undefined,
        serviceVersion: undefined,
        environment: undefined,
        endpoint: DEFAULT_ENDPOINT,
        captureConsole: true,
        traceResponseHeader: true,
        handleSigterm: true,
        shutdownTimeoutMillis: 2000,
        successfulTracesPerSecond: 100,
        fastifySpans: 'light',
        expressSpans: 'light',
        ignoredPaths: new Set(['/health', '/healthz', '/readyz', '/livez', '/ping', '/metrics']),
        processPicture: true,
      },
    });
  });

  it('puts the process picture on exported server spans unless FAULTLINE_PROCESS_PICTURE or the option turns it off', () => {
    const picture = (input: unknown, env: NodeJS.ProcessEnv) => {
      const result = resolveOptions(input, env);
      return result.ok ? [result.options.processPicture, result.warnings] : 'refused';
    };
    expect(picture({}, { FAULTLINE_PROCESS_PICTURE: 'off' })).toEqual([false, []]);
    expect(picture({}, { FAULTLINE_PROCESS_PICTURE: 'false' })).toEqual([false, []]);
    expect(picture({ processPicture: true }, { FAULTLINE_PROCESS_PICTURE: 'off' })).toEqual([true, []]);
    expect(picture({ processPicture: false }, {})).toEqual([false, []]);
    expect(picture({}, { FAULTLINE_PROCESS_PICTURE: 'sometimes' })).toEqual([
      true,
      ['ignoring FAULTLINE_PROCESS_PICTURE="sometimes": expected true or false'],
    ]);
  });

  it('takes FAULTLINE_IGNORE_PATHS as the whole list of ignored paths, empty for none, skipping what is not a path', () => {
    const ignored = (value: string) => {
      const result = resolveOptions({}, { FAULTLINE_IGNORE_PATHS: value });
      return result.ok && [[...result.options.ignoredPaths], result.warnings];
    };
    expect(ignored(' /status , /internal/alive,')).toEqual([['/status', '/internal/alive'], []]);
    expect(ignored('')).toEqual([[], []]);
    expect(ignored('/ok,healthz')).toEqual([
      ['/ok'],
      ['ignoring "healthz" in FAULTLINE_IGNORE_PATHS: a path starts with /'],
    ]);
  });

  it.each([
    ['FAULTLINE_FASTIFY_SPANS', 'fastifySpans'],
    ['FAULTLINE_EXPRESS_SPANS', 'expressSpans'],
  ] as const)(
    "takes %s=full for the upstream instrumentation's spans, and ignores anything but light or full",
    (variable, option) => {
      const spans = (value: string) => {
        const result = resolveOptions({}, { [variable]: value });
        return result.ok && [result.options[option], result.warnings];
      };
      expect(spans('full')).toEqual(['full', []]);
      expect(spans(' Full ')).toEqual(['full', []]);
      expect(spans('light')).toEqual(['light', []]);
      expect(spans('all')).toEqual(['light', [`ignoring ${variable}="all": expected light or full`]]);
    },
  );

  it('samples successful traces unless switched off or OTEL_TRACES_SAMPLER names a sampler', () => {
    const rate = (input: unknown, env: NodeJS.ProcessEnv) => {
      const result = resolveOptions(input, env);
      return result.ok ? result.options.successfulTracesPerSecond : 'refused';
    };
    expect(rate({}, { FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '20' })).toBe(20);
    expect(rate({ successfulTracesPerSecond: 5 }, { FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '20' })).toBe(5);
    expect(rate({}, { FAULTLINE_SAMPLE_SUCCESSFUL_TRACES: 'false' })).toBeUndefined();
    expect(rate({ sampleSuccessfulTraces: false }, {})).toBeUndefined();
    expect(rate({}, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' })).toBeUndefined();
    expect(rate({ successfulTracesPerSecond: 0 }, {})).toBe('refused');
  });

  it('lets FAULTLINE_* variables switch features, and a code option win over them', () => {
    const env = { FAULTLINE_CAPTURE_CONSOLE: 'false', FAULTLINE_TRACE_RESPONSE: '0' };
    const fromEnv = resolveOptions({}, env);
    expect(fromEnv.ok && [fromEnv.options.captureConsole, fromEnv.options.traceResponseHeader]).toEqual([
      false,
      false,
    ]);
    const fromCode = resolveOptions({ captureConsole: true }, env);
    expect(fromCode.ok && fromCode.options.captureConsole).toBe(true);
  });

  it('ignores a nonsense variable with a warning and keeps the default', () => {
    const result = resolveOptions(
      {},
      {
        FAULTLINE_CAPTURE_CONSOLE: 'maybe',
        FAULTLINE_SHUTDOWN_TIMEOUT_MS: 'soon',
        FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: 'lots',
      },
    );
    expect(result.ok && result.options.captureConsole).toBe(true);
    expect(result.ok && result.options.shutdownTimeoutMillis).toBe(2000);
    expect(result.ok && result.options.successfulTracesPerSecond).toBe(100);
    expect(result.ok && result.warnings).toHaveLength(3);
  });

  it.each([
    [42, 'options must be an object, got number'],
    [{ serviceName: 42 }, 'option "serviceName" must be a non-empty string, got 42'],
    [{ servicename: 'typo' }, 'unknown option "servicename"'],
    [{ shutdownTimeoutMillis: -1 }, 'option "shutdownTimeoutMillis" must be a positive number, got -1'],
    [{ endpoint: 'localhost:4318' }, 'option "endpoint" must be an http(s) URL, got "localhost:4318"'],
  ])('refuses %j: %s', (input, problem) => {
    expect(resolveOptions(input, {})).toEqual({ ok: false, problem });
  });

  it('strips trailing slashes from the endpoint', () => {
    const result = resolveOptions({ endpoint: 'http://collector:4318/' }, {});
    expect(result.ok && result.options.endpoint).toBe('http://collector:4318');
  });
});
