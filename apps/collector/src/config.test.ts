import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('store flags', () => {
  it('keeps SQLite the default', () => {
    expect(loadConfig([], {})).toMatchObject({ store: 'sqlite', forwardUrl: undefined });
  });

  it('takes the ClickHouse URL from the flag and the credentials from the environment', () => {
    const config = loadConfig(['--store', 'clickhouse', '--clickhouse-url', 'https://ch.internal:8443'], {
      FAULTLINE_CLICKHOUSE_DATABASE: 'otel',
      FAULTLINE_CLICKHOUSE_USER: 'faultline',
      FAULTLINE_CLICKHOUSE_PASSWORD: 's3cret',
    });
    expect(config).toMatchObject({
      store: 'clickhouse',
      clickhouse: {
        url: 'https://ch.internal:8443',
        database: 'otel',
        user: 'faultline',
        password: 's3cret',
      },
    });
  });

  it.each([
    [['--store', 'postgres'], /--store must be sqlite or clickhouse/],
    [['--store', 'clickhouse'], /needs --clickhouse-url/],
    [['--forward', 'otel-collector:4318'], /--forward must be an http\(s\) URL/],
  ])('refuses %j', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });
});

describe('access and logging flags', () => {
  it('defaults to no extra host names and the info log level', () => {
    expect(loadConfig([], {})).toMatchObject({ allowedHosts: [], logLevel: 'info' });
  });

  it('takes --allowed-hosts and --log-level from flags over the environment', () => {
    const env = { FAULTLINE_ALLOWED_HOSTS: 'from-env', FAULTLINE_LOG_LEVEL: 'debug' };
    expect(loadConfig([], env)).toMatchObject({ allowedHosts: ['from-env'], logLevel: 'debug' });
    expect(
      loadConfig(['--allowed-hosts', ' faultline, .corp.example ,', '--log-level', 'SILENT'], env),
    ).toMatchObject({ allowedHosts: ['faultline', '.corp.example'], logLevel: 'silent' });
  });

  it('refuses an unknown log level', () => {
    expect(() => loadConfig(['--log-level', 'verbose'], {})).toThrow(/--log-level must be one of fatal/);
  });
});

describe('redaction flags', () => {
  it('collects every --redact-pattern and --redact-keep (flags win over the environment)', () => {
    const config = loadConfig(
      ['--redact-pattern', 'ssn', '--redact-pattern', '^iban$', '--redact-keep', 'session.id,enduser.id'],
      { FAULTLINE_REDACT_PATTERN: 'ignored', FAULTLINE_REDACT_KEEP: 'ignored' },
    ) as Exclude<ReturnType<typeof loadConfig>, 'help'>;
    expect(config.redactPatterns.map((p) => p.source)).toEqual(['ssn', '^iban$']);
    expect(config.redactPatterns.every((p) => p.flags.includes('i'))).toBe(true);
    expect(config.redactKeep).toEqual(['session.id', 'enduser.id']);
  });

  it('reads them from the environment, and defaults to none (the built-in rules alone)', () => {
    const config = loadConfig([], { FAULTLINE_REDACT_PATTERN: 'ssn', FAULTLINE_REDACT_KEEP: 'session.id' });
    expect(config).toMatchObject({ redactKeep: ['session.id'] });
    expect(loadConfig([], {})).toMatchObject({ redactPatterns: [], redactKeep: [] });
  });

  it('refuses a pattern that is not a regular expression', () => {
    expect(() => loadConfig(['--redact-pattern', '('], {})).toThrow(/--redact-pattern is not a valid/);
  });
});
