import { ignoredPathsFromEnv } from './ignored-paths.js';

/*
 * What `start()` accepts, and how it merges with the environment. Precedence: standard OTEL_*
 * variables beat everything (they are applied by the OpenTelemetry SDK itself); otherwise an option
 * passed in code beats a FAULTLINE_* variable, which beats the default.
 */

/** Options for `start()`; every one is optional and has an environment-variable twin. */
export interface FaultlineOptions {
  /** `service.name`; OTEL_SERVICE_NAME wins. Default: the app's package.json `name`, else the script name. */
  serviceName?: string;
  /** `service.version`; default: the app's package.json `version`, FAULTLINE_VERSION or a git SHA variable. */
  serviceVersion?: string;
  /** `deployment.environment.name`; default: NODE_ENV. */
  environment?: string;
  /** Base URL of the OTLP/HTTP receiver; OTEL_EXPORTER_OTLP_(TRACES_|LOGS_)ENDPOINT wins. */
  endpoint?: string;
  /** Emit `console.error`/`console.warn` inside a span as log records (FAULTLINE_CAPTURE_CONSOLE). */
  captureConsole?: boolean;
  /** Add the W3C `traceresponse` header to every HTTP server response (FAULTLINE_TRACE_RESPONSE). */
  traceResponseHeader?: boolean;
  /** Flush pending telemetry on SIGTERM, then let the signal end the process (FAULTLINE_HANDLE_SIGTERM). */
  handleSigterm?: boolean;
  /** Deadline for `shutdown()` and the SIGTERM flush (FAULTLINE_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMillis?: number;
  /**
   * Past `successfulTracesPerSecond`, export a consistent share of the successful traces; failing
   * traces are always exported whole (FAULTLINE_SAMPLE_SUCCESSFUL_TRACES). Off when OTEL_TRACES_SAMPLER is set.
   */
  sampleSuccessfulTraces?: boolean;
  /** Successful traces a second exported in full before sampling starts (FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND). */
  successfulTracesPerSecond?: number;
  /** Sample the process (loop delay, CPU, heap, GC) and put it on exported server spans (FAULTLINE_PROCESS_PICTURE). */
  processPicture?: boolean;
}

/** Options after defaults and environment are applied. */
export interface ResolvedOptions {
  serviceName: string | undefined;
  serviceVersion: string | undefined;
  environment: string | undefined;
  endpoint: string;
  captureConsole: boolean;
  traceResponseHeader: boolean;
  handleSigterm: boolean;
  shutdownTimeoutMillis: number;
  /** Undefined when every trace is exported. */
  successfulTracesPerSecond: number | undefined;
  /** FAULTLINE_FASTIFY_SPANS: Faultline's channel-based Fastify tracing, or @fastify/otel's spans. */
  fastifySpans: FrameworkSpans;
  /** FAULTLINE_EXPRESS_SPANS: Faultline's channel-based Express 5 tracing, or instrumentation-express's spans. */
  expressSpans: FrameworkSpans;
  /** FAULTLINE_IGNORE_PATHS: paths whose successful requests make no span (health and readiness probes). */
  ignoredPaths: ReadonlySet<string>;
  /** FAULTLINE_PROCESS_PICTURE: the `faultline.process.*` attributes on exported server spans. */
  processPicture: boolean;
}

/**
 * `light`: route and errors through the framework's diagnostics channels, no span besides the server
 * span; `full`: the upstream instrumentation's spans for every middleware, hook and handler.
 */
export type FrameworkSpans = 'light' | 'full';

/** Outcome of resolving: either options (perhaps with warnings about ignored variables) or the reason to stay off. */
export type OptionsResolution =
  | { ok: true; options: ResolvedOptions; warnings: string[] }
  | { ok: false; problem: string };

/** Where OTLP goes when nothing says otherwise: the sidecar collector. */
export const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2000;
/** Enough to see every request of a dev or staging service, and a steady sample of a busy one. */
export const DEFAULT_SUCCESSFUL_TRACES_PER_SECOND = 100;

type Kind = 'string' | 'boolean' | 'number';
const OPTION_KINDS: Record<keyof FaultlineOptions, Kind> = {
  serviceName: 'string',
  serviceVersion: 'string',
  environment: 'string',
  endpoint: 'string',
  captureConsole: 'boolean',
  traceResponseHeader: 'boolean',
  handleSigterm: 'boolean',
  shutdownTimeoutMillis: 'number',
  sampleSuccessfulTraces: 'boolean',
  successfulTracesPerSecond: 'number',
  processPicture: 'boolean',
};

/** Checks code-supplied options; any unknown key or wrong type is a problem (typos must not pass silently). */
export function validateOptions(
  input: unknown,
): { ok: true; options: FaultlineOptions } | { ok: false; problem: string } {
  if (input === undefined || input === null) return { ok: true, options: {} };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      problem: `options must be an object, got ${Array.isArray(input) ? 'an array' : typeof input}`,
    };
  }
  for (const [key, value] of Object.entries(input)) {
    const kind = OPTION_KINDS[key as keyof FaultlineOptions];
    if (kind === undefined) return { ok: false, problem: `unknown option "${key}"` };
    if (value === undefined) continue;
    if (typeof value !== kind || (kind === 'string' && value === '')) {
      return {
        ok: false,
        problem: `option "${key}" must be a non-empty ${kind}, got ${JSON.stringify(value)}`,
      };
    }
    if (kind === 'number' && !(Number.isFinite(value) && (value as number) > 0)) {
      return { ok: false, problem: `option "${key}" must be a positive number, got ${String(value)}` };
    }
  }
  if (
    typeof (input as FaultlineOptions).endpoint === 'string' &&
    !isHttpUrl((input as FaultlineOptions).endpoint!)
  ) {
    return {
      ok: false,
      problem: `option "endpoint" must be an http(s) URL, got "${(input as FaultlineOptions).endpoint}"`,
    };
  }
  return { ok: true, options: input as FaultlineOptions };
}

/** Merges validated options with FAULTLINE_* variables and defaults. */
export function resolveOptions(input: unknown, env: NodeJS.ProcessEnv): OptionsResolution {
  const validated = validateOptions(input);
  if (!validated.ok) return validated;
  const given = validated.options;
  const warnings: string[] = [];
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    warnings.push(`ignoring ${name}="${env[name]}": expected true or false`);
    return fallback;
  };
  const positiveNumber = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (Number.isFinite(value) && value > 0) return value;
    warnings.push(`ignoring ${name}="${raw}": expected a positive number`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[], fallback: T): T => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    const choice = choices.find((candidate) => candidate === raw);
    if (choice !== undefined) return choice;
    warnings.push(`ignoring ${name}="${env[name]}": expected ${choices.join(' or ')}`);
    return fallback;
  };
  // A sampler named in OTEL_TRACES_SAMPLER is the user's sampling policy; Faultline adds none of its own.
  const sampleSuccesses =
    given.sampleSuccessfulTraces ??
    flag('FAULTLINE_SAMPLE_SUCCESSFUL_TRACES', !env['OTEL_TRACES_SAMPLER']?.trim());
  return {
    ok: true,
    warnings,
    options: {
      serviceName: given.serviceName,
      serviceVersion: given.serviceVersion,
      environment: given.environment,
      endpoint: stripTrailingSlashes(given.endpoint ?? DEFAULT_ENDPOINT),
      captureConsole: given.captureConsole ?? flag('FAULTLINE_CAPTURE_CONSOLE', true),
      traceResponseHeader: given.traceResponseHeader ?? flag('FAULTLINE_TRACE_RESPONSE', true),
      handleSigterm: given.handleSigterm ?? flag('FAULTLINE_HANDLE_SIGTERM', true),
      shutdownTimeoutMillis:
        given.shutdownTimeoutMillis ??
        positiveNumber('FAULTLINE_SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS),
      successfulTracesPerSecond: sampleSuccesses
        ? (given.successfulTracesPerSecond ??
          positiveNumber('FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND', DEFAULT_SUCCESSFUL_TRACES_PER_SECOND))
        : undefined,
      fastifySpans: oneOf('FAULTLINE_FASTIFY_SPANS', FRAMEWORK_SPANS, 'light'),
      expressSpans: oneOf('FAULTLINE_EXPRESS_SPANS', FRAMEWORK_SPANS, 'light'),
      ignoredPaths: ignoredPathsFromEnv(env['FAULTLINE_IGNORE_PATHS'], warnings),
      processPicture: given.processPicture ?? flag('FAULTLINE_PROCESS_PICTURE', true),
    },
  };
}

const FRAMEWORK_SPANS = ['light', 'full'] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
