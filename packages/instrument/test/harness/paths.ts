import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/instrument: the working directory of every app the tests start. */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository root. */
export const REPO_DIR = path.resolve(PACKAGE_DIR, '../..');
/** The test apps. */
export const APPS_DIR = path.join(PACKAGE_DIR, 'test/apps');
