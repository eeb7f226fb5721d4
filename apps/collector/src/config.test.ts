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
