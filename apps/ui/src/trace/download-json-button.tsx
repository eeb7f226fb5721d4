import { useState } from 'preact/hooks';
import { getTraceJsonText } from '../api/trace-outline-api.js';
import { downloadFile } from './download-file.js';

/**
 * "Download JSON": the whole trace as the API sends it (`GET /api/traces/:traceId`), fetched when the
 * button is pressed, since the page itself holds only the outline and the details it was asked for.
 */
export function DownloadJsonButton(props: { traceId: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      const json = await getTraceJsonText(props.traceId);
      downloadFile(`trace-${props.traceId}.json`, json, 'application/json');
      // A trace too large to send whole comes as its first part (docs/api.md): say the file is not all.
      const sent = JSON.parse(json) as { truncated?: boolean; spans?: unknown[] };
      if (sent.truncated)
        setNote(
          `Saved the first part only (${sent.spans?.length ?? 0} spans): the trace is too large to send whole.`,
        );
    } catch (failure) {
      setError(`Could not get the trace: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={download} disabled={busy}>
        Download JSON
      </button>
      {error && (
        <span class="report-status bad" role="status">
          {error}
        </span>
      )}
      {note && (
        <span class="report-status" role="status">
          {note}
        </span>
      )}
    </>
  );
}
