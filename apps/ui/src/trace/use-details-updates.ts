import { useEffect, useState } from 'preact/hooks';
import type { TraceDetails } from './trace-details.js';

/** Renders the calling component again whenever some of the trace's details arrive (or fail). */
export function useDetailsUpdates(details: TraceDetails): void {
  const [, setSeen] = useState(details.version);
  const renderedVersion = details.version;
  useEffect(() => {
    const update = () => setSeen(details.version);
    const unsubscribe = details.subscribe(update);
    // Details that arrived between this render and the subscription would otherwise go unseen.
    if (details.version !== renderedVersion) update();
    return unsubscribe;
  }, [details]);
}
