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
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const json = await getTraceJsonText(props.traceId);
      downloadFile(`trace-${props.traceId}.json`, json, 'application/json');
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
    </>
  );
}
