import { StoreUnavailableError } from './store/store.js';

/**
 * What a failed store write tells the operator, in a line they can act on. SQLite's result codes,
 * system errors (`ECONNREFUSED`) and a store's `StoreUnavailableError` (worded for clients) describe
 * the store, never the data, so they are shown in full; any other error may quote the batch it
 * refused, so only its name is shown.
 */
export function describeStoreFailure(error: unknown, storeName: string): string {
  if (error instanceof StoreUnavailableError) {
    return `cannot write to ${storeName}: ${error.message}; ingest answers 503 and exporters retry`;
  }
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = code === undefined ? undefined : hintFor(code);
  if (hint !== undefined) return `cannot write to ${storeName}: ${code} (${message}): ${hint}`;
  if (code !== undefined && /^E[A-Z0-9_]+$/.test(code)) {
    return `cannot reach ${storeName}: ${code} (${message}); ingest answers 503 and exporters retry`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return `${storeName} could not write a batch (${code ?? name}; details at --log-level debug)`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function hintFor(code: string): string | undefined {
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_LOCKED'))
    return 'another process holds the database locked; ingest answers 503 until it lets go';
  if (code === 'SQLITE_FULL') return 'the disk is full; free space, or lower --max-db-size or --retention';
  if (code.startsWith('SQLITE_READONLY'))
    return 'the database file or its folder is not writable by this user';
  if (code.startsWith('SQLITE_IOERR')) return 'the disk reported an I/O error; check it and the file system';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return 'the database file is damaged; move it aside and restart';
  if (code === 'SQLITE_CANTOPEN') return 'the database file cannot be opened; check the path and permissions';
  return code.startsWith('SQLITE_') ? 'ingest answers 503 and exporters retry' : undefined;
}
