import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readDemoConfig } from './demo-config.js';

describe('readDemoConfig', () => {
  it('uses the documented ports and the .faultline folder at the repository root by default', () => {
    expect(readDemoConfig({})).toEqual({
      collectorPort: 8318,
      otlpHttpPort: 4318,
      otlpGrpcPort: 4317,
      controlPort: 8319,
      gatewayPort: 8320,
      ordersPort: 8321,
      legacyPort: 8322,
      dataDir: `${REPO_ROOT}.faultline`,
      databaseUrl: undefined,
      requestsPerSecond: 10,
    });
  });

  it('moves every port, the data folder, the database and the rate through the environment', () => {
    const config = readDemoConfig({
      FAULTLINE_PORT: '9318',
      DEMO_GATEWAY_PORT: '9320',
      DEMO_DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://localhost/demo',
      DEMO_RPS: '2.5',
    });
    expect(config).toMatchObject({
      collectorPort: 9318,
      gatewayPort: 9320,
      dataDir: '/tmp/x',
      databaseUrl: 'postgres://localhost/demo',
      requestsPerSecond: 2.5,
    });
  });

  it('names the variable that holds a bad value', () => {
    expect(() => readDemoConfig({ DEMO_ORDERS_PORT: 'eighty' })).toThrow(
      'DEMO_ORDERS_PORT must be a port from 1 to 65535, got "eighty"',
    );
    expect(() => readDemoConfig({ DEMO_RPS: '0' })).toThrow(/^DEMO_RPS must be/);
  });

  it('finds the repository root from its own location', () => {
    expect(REPO_ROOT.endsWith('/')).toBe(true);
    expect(new URL('apps/demo/package.json', `file://${REPO_ROOT}`).pathname).toContain('/apps/demo/');
  });
});
