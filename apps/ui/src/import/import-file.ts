import { ApiError } from '../api/http-client.js';
import { importOtlpJson } from '../api/import-api.js';
import type { WireImportResult } from '../api/wire-types.js';
import { otlpImportBody } from './otlp-body.js';

/** The collector's import limit (its OTLP body limit). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** A file that cannot be imported, with the reason in words a person can act on. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

function looksLikeJson(file: File): boolean {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

/**
 * Checks one file (a .json name or type, within 20 MiB, valid JSON) and sends it to `POST /api/import`.
 * Rejects with an ImportError saying what is wrong: before sending, or with the collector's reason.
 */
export async function importTraceFile(file: File): Promise<WireImportResult> {
  if (!looksLikeJson(file))
    throw new ImportError(
      `${file.name} is not a .json file. Import takes OTLP/JSON: a trace exported from Faultline, or an OTLP/JSON export request.`,
    );
  if (file.size > MAX_IMPORT_BYTES)
    throw new ImportError(
      `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the collector imports files up to 20 MB.`,
    );
  const text = await file.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`${file.name} is not valid JSON (${(error as Error).message}).`);
  }
  let body: string;
  try {
    body = otlpImportBody(parsed, text);
  } catch (error) {
    throw new ImportError(`${file.name} holds a trace with malformed spans (${(error as Error).message}).`);
  }
  try {
    return await importOtlpJson(body);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401)
      throw new ImportError(`The collector could not import ${file.name}: ${error.message}.`);
    throw error;
  }
}
