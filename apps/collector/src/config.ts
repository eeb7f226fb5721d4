import { parseArgs } from 'node:util';

/** How much the collector logs (pino's levels); `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the collector can be told, after flags and environment are merged. */
export interface CollectorConfig {
  dbPath: string;
  host: string;
  port: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  /** Bearer token required on ingest and API when set. */
  token: string | undefined;
  /** Origins allowed by CORS (browser OTLP exporters); empty means CORS off. */
  corsOrigins: string[];
  /** Traces older than this are pruned. */
  retentionMs: number;
  /** The database is pruned (oldest traces first) to stay under this many bytes. */
  maxDbBytes: number;
  /** Where the built UI lives; undefined to look beside the collector. */
  uiDir: string | undefined;
  /** Where alerts about new failure groups and rate jumps are posted (JSON, Slack-compatible). */
  alertWebhook: string | undefined;
  /** The UI's address as users reach it, for links in alerts. */
  publicUrl: string | undefined;
  /**
   * More names (attribute keys, map keys, URL parameters) whose values are replaced by [REDACTED] at
   * ingest, on top of the built-in rules (case-insensitive regexes).
   */
  redactPatterns: RegExp[];
  /** Attribute keys stored exactly as sent, taken out of every redaction rule. */
  redactKeep: string[];
  /** Largest OTLP body accepted, after decompression. */
  maxBodyBytes: number;
  /** Request-body bytes all requests together may hold in memory; beyond it ingest answers 503. */
  maxInflightBytes: number;
  /** Where spans are stored: one SQLite file (default) or the ClickHouse tables a team shares. */
  store: 'sqlite' | 'clickhouse';
  /** ClickHouse HTTP(S) URL, database and credentials (with `store: 'clickhouse'`). */
  clickhouse: {
    url: string | undefined;
    database: string | undefined;
    user: string | undefined;
    password: string | undefined;
  };
  /** An OTLP/HTTP endpoint every received span and log is re-exported to (an OTel Collector). */
  forwardUrl: string | undefined;
  /**
   * Host names requests may carry besides loopback, IP addresses, `--host` and `--public-url`'s host
   * (DNS rebinding defence, host-check.ts); a leading dot admits a domain and its subdomains.
   */
  allowedHosts: string[];
  /** Errors, refusals and store failures are logged at this level and above (stderr, JSON lines). */
  logLevel: LogLevel;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The defaults from the contract: every listener on 127.0.0.1, UI on 8318, OTLP on 4318/4317. */
export const DEFAULT_CONFIG: CollectorConfig = {
  dbPath: './faultline.db',
  host: '127.0.0.1',
  port: 8318,
  otlpHttpPort: 4318,
  otlpGrpcPort: 4317,
  token: undefined,
  corsOrigins: [],
  retentionMs: 7 * DAY_MS,
  maxDbBytes: 2 * 1024 ** 3,
  uiDir: undefined,
  alertWebhook: undefined,
  publicUrl: undefined,
  redactPatterns: [],
  redactKeep: [],
  maxBodyBytes: 20 * 1024 * 1024,
  maxInflightBytes: 64 * 1024 * 1024,
  store: 'sqlite',
  clickhouse: { url: undefined, database: undefined, user: undefined, password: undefined },
  forwardUrl: undefined,
  allowedHosts: [],
  logLevel: 'info',
};

/** Thrown for a flag or variable that cannot be used; the CLI prints it and exits 2. */
export class ConfigError extends Error {}

function parsePort(name: string, raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parsePattern(raw: string): RegExp {
  try {
    return new RegExp(raw, 'i');
  } catch (error) {
    throw new ConfigError(`--redact-pattern is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** An environment variable's one value as a list (empty when unset or empty). */
function optionalList(raw: string | undefined): string[] {
  return raw === undefined || raw === '' ? [] : [raw];
}

/** Comma-separated values, trimmed, empties left out. */
function parseList(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined) return DEFAULT_CONFIG.logLevel;
  const level = LOG_LEVELS.find((l) => l === raw.trim().toLowerCase());
  if (level === undefined)
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/** Parses "7d", "12h", "30m", "90s" or plain milliseconds. */
export function parseDuration(name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new ConfigError(`${name} must be a duration like 7d, 12h or 30m, got "${raw}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS }[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

/** Parses "2GiB", "500MB", "512MiB" or plain bytes. */
export function parseBytes(name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(raw.trim());
  if (!match) throw new ConfigError(`${name} must be a size like 2GiB or 500MB, got "${raw}"`);
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  return Math.round(Number(match[1]) * (units[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

/** The CLI's usage text. */
export const USAGE = `Usage: faultline [flags]            start the collector
       faultline report <traceId>    print a trace's incident report (markdown) from a running collector
       faultline mcp [--url URL]     MCP server over stdio for coding agents, reading a running collector
                                     (faultline mcp --help)

  --db FILE                SQLite database file        (FAULTLINE_DB, default ./faultline.db)
  --host ADDR              address every listener binds (FAULTLINE_HOST, default 127.0.0.1)
  --port N                 UI + query API port          (FAULTLINE_PORT, default 8318)
  --otlp-http-port N       OTLP/HTTP port               (FAULTLINE_OTLP_HTTP_PORT, default 4318)
  --otlp-grpc-port N       OTLP/gRPC port               (FAULTLINE_OTLP_GRPC_PORT, default 4317)
  --retention DURATION     keep traces this long        (FAULTLINE_RETENTION, default 7d)
  --max-db-size BYTES      prune oldest traces above    (FAULTLINE_MAX_DB_SIZE, default 2GiB)
  --cors-origins LIST      comma-separated origins allowed to send OTLP from a browser (FAULTLINE_CORS_ORIGINS)
  --ui-dir DIR             serve the UI from DIR        (FAULTLINE_UI_DIR)
  --alert-webhook URL      post new failure groups and rate jumps here (FAULTLINE_ALERT_WEBHOOK)
  --public-url URL         the UI's address for links in alerts (FAULTLINE_PUBLIC_URL)
  --redact-pattern REGEX   also redact attribute keys / URL parameters matching REGEX, on top of the
                           built-in rules (repeatable; FAULTLINE_REDACT_PATTERN). Built in: credential
                           keys (authorization, cookie, password, secret, token, api key, session id,
                           connection string…) and secrets inside any value (URL passwords and
                           token/code/signature parameters, SQL PASSWORD literals, bearer tokens, JWTs)
  --redact-keep KEY        store attribute KEY exactly as sent, out of every redaction rule
                           (repeatable or comma-separated; FAULTLINE_REDACT_KEEP)
  --store sqlite|clickhouse where spans are stored   (FAULTLINE_STORE, default sqlite)
  --clickhouse-url URL     ClickHouse HTTP(S) URL for --store clickhouse (FAULTLINE_CLICKHOUSE_URL;
                           FAULTLINE_CLICKHOUSE_DATABASE, _USER, _PASSWORD from the environment)
  --forward URL            also re-export everything received as OTLP/HTTP to URL (FAULTLINE_FORWARD)
  --allowed-hosts LIST     comma-separated Host names to answer besides localhost, IP addresses, --host
                           and --public-url's host; ".example.com" admits its subdomains
                           (FAULTLINE_ALLOWED_HOSTS; DNS rebinding defence, others get 403)
  --log-level LEVEL        fatal, error, warn, info, debug, trace or silent (FAULTLINE_LOG_LEVEL,
                           default info: errors and refusals, no span data)
  FAULTLINE_TOKEN          when set, every route but the UI's files, /healthz and /readyz requires
                           "Authorization: Bearer <token>"
  -h, --help               print this help
`;

/** Merges flags over environment over defaults. Flags win, as users expect of a CLI. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CollectorConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'otlp-http-port': { type: 'string' },
      'otlp-grpc-port': { type: 'string' },
      retention: { type: 'string' },
      'max-db-size': { type: 'string' },
      'cors-origins': { type: 'string' },
      'ui-dir': { type: 'string' },
      'alert-webhook': { type: 'string' },
      'public-url': { type: 'string' },
      'redact-pattern': { type: 'string', multiple: true },
      'redact-keep': { type: 'string', multiple: true },
      store: { type: 'string' },
      'clickhouse-url': { type: 'string' },
      forward: { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const pick = (flag: string | undefined, envName: string): string | undefined =>
    flag ?? (env[envName] === '' ? undefined : env[envName]);
  const port = pick(values.port, 'FAULTLINE_PORT');
  const httpPort = pick(values['otlp-http-port'], 'FAULTLINE_OTLP_HTTP_PORT');
  const grpcPort = pick(values['otlp-grpc-port'], 'FAULTLINE_OTLP_GRPC_PORT');
  const retention = pick(values.retention, 'FAULTLINE_RETENTION');
  const maxDb = pick(values['max-db-size'], 'FAULTLINE_MAX_DB_SIZE');
  const cors = pick(values['cors-origins'], 'FAULTLINE_CORS_ORIGINS');
  const store = pick(values.store, 'FAULTLINE_STORE') ?? DEFAULT_CONFIG.store;
  if (store !== 'sqlite' && store !== 'clickhouse') {
    throw new ConfigError(`--store must be sqlite or clickhouse, got "${store}"`);
  }
  const clickhouseUrl = pick(values['clickhouse-url'], 'FAULTLINE_CLICKHOUSE_URL');
  if (store === 'clickhouse' && clickhouseUrl === undefined) {
    throw new ConfigError('--store clickhouse needs --clickhouse-url (or FAULTLINE_CLICKHOUSE_URL)');
  }
  const forwardUrl = pick(values.forward, 'FAULTLINE_FORWARD');
  for (const [flag, url] of [
    ['--clickhouse-url', clickhouseUrl],
    ['--forward', forwardUrl],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/./.test(url))
      throw new ConfigError(`${flag} must be an http(s) URL, got "${url}"`);
  }
  return {
    ...DEFAULT_CONFIG,
    dbPath: pick(values.db, 'FAULTLINE_DB') ?? DEFAULT_CONFIG.dbPath,
    host: pick(values.host, 'FAULTLINE_HOST') ?? DEFAULT_CONFIG.host,
    port: port === undefined ? DEFAULT_CONFIG.port : parsePort('--port', port),
    otlpHttpPort:
      httpPort === undefined ? DEFAULT_CONFIG.otlpHttpPort : parsePort('--otlp-http-port', httpPort),
    otlpGrpcPort:
      grpcPort === undefined ? DEFAULT_CONFIG.otlpGrpcPort : parsePort('--otlp-grpc-port', grpcPort),
    retentionMs:
      retention === undefined ? DEFAULT_CONFIG.retentionMs : parseDuration('--retention', retention),
    maxDbBytes: maxDb === undefined ? DEFAULT_CONFIG.maxDbBytes : parseBytes('--max-db-size', maxDb),
    corsOrigins: parseList(cors),
    uiDir: pick(values['ui-dir'], 'FAULTLINE_UI_DIR'),
    alertWebhook: pick(values['alert-webhook'], 'FAULTLINE_ALERT_WEBHOOK'),
    publicUrl: pick(values['public-url'], 'FAULTLINE_PUBLIC_URL'),
    redactPatterns: (values['redact-pattern'] ?? optionalList(env['FAULTLINE_REDACT_PATTERN'])).map(
      parsePattern,
    ),
    redactKeep: values['redact-keep']
      ? values['redact-keep'].flatMap((keys) => parseList(keys))
      : parseList(env['FAULTLINE_REDACT_KEEP']),
    token: pick(undefined, 'FAULTLINE_TOKEN'),
    store,
    clickhouse: {
      url: clickhouseUrl,
      database: pick(undefined, 'FAULTLINE_CLICKHOUSE_DATABASE'),
      user: pick(undefined, 'FAULTLINE_CLICKHOUSE_USER'),
      password: pick(undefined, 'FAULTLINE_CLICKHOUSE_PASSWORD'),
    },
    forwardUrl,
    allowedHosts: parseList(pick(values['allowed-hosts'], 'FAULTLINE_ALLOWED_HOSTS')),
    logLevel: parseLogLevel(pick(values['log-level'], 'FAULTLINE_LOG_LEVEL')),
  };
}
