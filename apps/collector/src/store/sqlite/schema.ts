import type Database from 'better-sqlite3';
import { MIGRATIONS } from './schema-migrations.js';

/** The schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the migrations the database has not seen yet, each in its own transaction; `toVersion`
 * stops early (tests build databases as older collectors left them).
 */
export function migrate(db: Database.Database, toVersion = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this collector understands (${SCHEMA_VERSION}); upgrade Faultline`,
    );
  }
  for (let version = current; version < toVersion; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
