import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './store/store.js';
import { describeStoreFailure } from './store-failure.js';

const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeStoreFailure', () => {
  it('names the SQLite condition and what to do about it', () => {
    const line = describeStoreFailure(coded('SQLITE_FULL', 'database or disk is full'), '/data/f.db');
    expect(line).toBe(
      'cannot write to /data/f.db: SQLITE_FULL (database or disk is full): the disk is full; free space, or lower --max-db-size or --retention',
    );
  });

  it('shows a store that cannot be reached in full', () => {
    expect(describeStoreFailure(coded('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.9:8123'), 'ch')).toContain(
      'cannot reach ch: ECONNREFUSED (connect ECONNREFUSED 10.0.0.9:8123)',
    );
    expect(describeStoreFailure(new StoreUnavailableError('insert failed (TIMEOUT)'), 'ch')).toContain(
      'insert failed (TIMEOUT)',
    );
  });

  it('leaves out the message of any other error, which may quote the batch', () => {
    const line = describeStoreFailure(new TypeError('cannot convert "secret-value"'), 'ch');
    expect(line).not.toContain('secret-value');
    expect(line).toContain('TypeError');
  });
});
