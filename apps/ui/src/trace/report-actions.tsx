import { useEffect, useRef, useState } from 'preact/hooks';
import { getIncidentReport } from '../api/report-api.js';
import { copySelection, writeClipboard } from './copy-text.js';
import { downloadFile } from './download-file.js';

/** How long "Copied" stays on the button. */
const COPIED_MS = 2500;

/**
 * "Copy report" and "Download report": the failing trace's incident report (markdown, from the
 * collector) to the clipboard or to a `.md` file. When the browser will not let the page write to the
 * clipboard, the report opens selected in a dialog to copy by hand.
 */
export function ReportActions(props: { traceId: string }) {
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [fallback, setFallback] = useState<string | undefined>();
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const load = async (): Promise<string | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await getIncidentReport(props.traceId);
    } catch (failure) {
      setError(`Could not get the report: ${(failure as Error).message}`);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    const report = await load();
    if (report === undefined) return;
    if (await writeClipboard(report)) setCopied(true);
    else setFallback(report);
  };
  const download = async () => {
    const report = await load();
    if (report !== undefined) downloadFile(`incident-${props.traceId}.md`, report, 'text/markdown');
  };

  return (
    <>
      <button type="button" class={copied ? 'copied' : undefined} onClick={copy} disabled={busy}>
        {copied ? 'Copied ✓' : 'Copy report'}
      </button>
      <button type="button" onClick={download} disabled={busy}>
        Download report
      </button>
      <span class={error ? 'report-status bad' : 'report-status'} role="status" data-testid="report-status">
        {error ?? (copied ? 'Report copied to the clipboard' : '')}
      </span>
      {fallback !== undefined && (
        <ReportFallback
          report={fallback}
          filename={`incident-${props.traceId}.md`}
          onClose={() => setFallback(undefined)}
        />
      )}
    </>
  );
}

/** The report, selected in a text area, for a browser that refused the clipboard. */
function ReportFallback(props: { report: string; filename: string; onClose: () => void }) {
  const field = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);
  return (
    <div
      class="report-fallback"
      role="dialog"
      aria-modal="true"
      aria-labelledby="report-fallback-title"
      data-testid="report-fallback"
      onKeyDown={(event) => event.key === 'Escape' && props.onClose()}
    >
      <div class="report-fallback-box">
        <h2 id="report-fallback-title">Copy the report</h2>
        <p class="muted">
          This browser did not let the page use the clipboard. The report is selected below: press Ctrl+C (⌘C
          on a Mac), or use the button.
        </p>
        <textarea
          ref={field}
          readOnly
          value={props.report}
          aria-label="Incident report (markdown)"
          rows={14}
        />
        <div class="report-fallback-actions">
          <button type="button" class="primary" onClick={() => setCopied(copySelection(field.current!))}>
            {copied ? 'Copied ✓' : 'Copy'}
          </button>
          <button type="button" onClick={() => downloadFile(props.filename, props.report, 'text/markdown')}>
            Download instead
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
