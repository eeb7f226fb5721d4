import { useEffect, useRef, useState } from 'preact/hooks';
import { formatCount } from '../format/count-format.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import type { ImportState } from './use-importer.js';

/** "Import OTLP JSON" in the header: a button that opens the file picker. */
export function ImportButton(props: { busy: boolean; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        class="import-button"
        disabled={props.busy}
        title="Import a trace file: an export from any Faultline, or any OTLP/JSON request (or drop it on the page)"
        onClick={() => input.current?.click()}
      >
        {props.busy ? 'Importing…' : 'Import OTLP JSON'}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-input"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared so picking the same file again (after fixing it) fires a change again.
          event.currentTarget.value = '';
          if (file) props.onFile(file);
        }}
      />
    </>
  );
}

/** What the last import did: an error to read and dismiss, or the traces it brought when several. */
export function ImportNotice(props: { state: ImportState; onDismiss: () => void }) {
  const { state } = props;
  if (state.step === 'failed') {
    return (
      <div class="import-notice error" role="alert" data-testid="import-error">
        <span>
          <strong>Import failed.</strong> {state.message}
        </span>
        <button type="button" class="icon-button" aria-label="Dismiss" onClick={props.onDismiss}>
          ×
        </button>
      </div>
    );
  }
  if (state.step !== 'imported') return null;
  const { result } = state;
  const several = result.traceIds.length > 1;
  const spansOnly = `${formatCount(result.spans, 'span')} and ${formatCount(result.logs, 'log record')}`;
  if (!several && result.traceIds.length === 1 && result.rejectedSpans === 0) return null;
  return (
    <div class="import-notice" role="status" data-testid="import-result">
      <span>
        Imported {spansOnly} from {state.fileName}
        {result.rejectedSpans > 0 && ` (${formatCount(result.rejectedSpans, 'span')} refused as malformed)`}
        {result.traceIds.length === 0 && '; it held no spans, so there is no trace to open'}
        {several && (
          <>
            {'; traces: '}
            {result.traceIds.slice(0, 8).map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                <Link href={tracePath(id)}>{id.slice(0, 8)}</Link>
              </span>
            ))}
            {result.traceIds.length > 8 && ` and ${result.traceIds.length - 8} more`}
          </>
        )}
      </span>
      <button type="button" class="icon-button" aria-label="Dismiss" onClick={props.onDismiss}>
        ×
      </button>
    </div>
  );
}

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Drag-and-drop anywhere on the page: while a file is dragged over the window an overlay says what a
 * drop does; the dropped file is imported.
 */
export function DropImport(props: { onFile: (file: File) => void }) {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(props.onFile);
  latest.current = props.onFile;
  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them to know when the drag left the window.
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (event: DragEvent) => {
      // Without this the browser would open the file instead of letting the page have it.
      if (carriesFiles(event)) event.preventDefault();
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) latest.current(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!dragging) return null;
  return (
    <div class="drop-overlay" data-testid="drop-overlay">
      <div class="drop-target">Drop an OTLP JSON file to import it</div>
    </div>
  );
}
