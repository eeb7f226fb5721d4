import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectServiceIdentity } from './service-identity.js';

/** A file system of package.json files, keyed by path. */
function files(entries: Record<string, unknown>) {
  return (file: string): unknown => entries[path.resolve(file)];
}

describe('detectServiceIdentity', () => {
  it('takes name and version from the nearest package.json that has a name', () => {
    const read = files({
      '/srv/app/src/package.json': { type: 'module' },
      '/srv/app/package.json': { name: 'orders', version: '2.3.0' },
      '/srv/package.json': { name: 'monorepo' },
    });
    expect(detectServiceIdentity('/srv/app/src/main.js', {}, read)).toEqual({
      name: 'orders',
      version: '2.3.0',
      environment: undefined,
    });
  });

  it('falls back to the script name, and to a git SHA variable for the version', () => {
    expect(
      detectServiceIdentity('/opt/worker.mjs', { GIT_COMMIT: 'abc123', NODE_ENV: 'production' }, files({})),
    ).toEqual({
      name: 'worker',
      version: 'abc123',
      environment: 'production',
    });
  });

  it('lets FAULTLINE_VERSION win over package.json', () => {
    const read = files({ '/srv/package.json': { name: 'orders', version: '1.0.0' } });
    expect(detectServiceIdentity('/srv/main.js', { FAULTLINE_VERSION: '2024.06.01' }, read).version).toBe(
      '2024.06.01',
    );
  });

  it('names a process without a main script after the SDK convention', () => {
    expect(detectServiceIdentity(undefined, {}, files({})).name).toBe('unknown_service:node');
  });
});
