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
