import { useState } from 'preact/hooks';
import type { WireImportResult } from '../api/wire-types.js';
import { navigate } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import { importTraceFile } from './import-file.js';

/** Where an import stands: nothing yet, sending a file, done (with what it held), or failed. */
export type ImportState =
  | { step: 'idle' }
  | { step: 'importing'; fileName: string }
  | { step: 'imported'; fileName: string; result: WireImportResult }
  | { step: 'failed'; fileName: string; message: string };

/**
 * Imports dropped or picked files and opens what they held: the trace page of the (first) imported
 * trace. The state says what happened, for a notice under the header.
 */
export function useImporter(): {
  state: ImportState;
  importFile: (file: File) => Promise<void>;
  dismiss: () => void;
} {
  const [state, setState] = useState<ImportState>({ step: 'idle' });
  const importFile = async (file: File) => {
    setState({ step: 'importing', fileName: file.name });
    try {
      const result = await importTraceFile(file);
      setState({ step: 'imported', fileName: file.name, result });
      const first = result.traceIds[0];
      if (first) navigate(tracePath(first));
    } catch (error) {
      setState({ step: 'failed', fileName: file.name, message: (error as Error).message });
    }
  };
  return { state, importFile, dismiss: () => setState({ step: 'idle' }) };
}
