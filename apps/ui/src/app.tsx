import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './api/http-client.js';
import { DropImport, ImportButton, ImportNotice } from './import/import-ui.js';
import { useImporter } from './import/use-importer.js';
import { FailuresPage } from './pages/failures-page.js';
import { MapPage } from './pages/map-page.js';
import { TracePage } from './pages/trace-page.js';
import { TracesPage } from './pages/traces-page.js';
import { Link, useLocation } from './router/history.js';
import { parseRoute, type Route } from './router/routes.js';
import { TokenPrompt } from './token-prompt.js';

/** The browser tab's title for a page. */
function pageTitle(route: Route): string {
  switch (route.page) {
    case 'trace':
      return `Trace ${route.traceId.slice(0, 8)} · Faultline`;
    case 'traces':
      return 'Traces · Faultline';
    case 'map':
      return route.traceId ? `Map of ${route.traceId.slice(0, 8)} · Faultline` : 'Service map · Faultline';
    case 'not-found':
      return 'Not found · Faultline';
    default:
      return 'Failures · Faultline';
  }
}

/** The whole UI: a header with navigation, the page the URL names, and the token prompt after a 401. */
export function App() {
  const { pathname, search } = useLocation();
  const route = parseRoute(pathname, search);
  const [needsToken, setNeedsToken] = useState(false);
  // Bumping the key remounts the page, so its loads run again with the new token.
  const [generation, setGeneration] = useState(0);
  useEffect(() => onUnauthorized(() => setNeedsToken(true)), []);
  const importer = useImporter();
  useEffect(() => {
    document.title = pageTitle(route);
  }, [pathname, search]);

  return (
    <>
      <header class="app-header">
        <Link href="/" class="brand">
          <svg class="brand-mark" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
            <path d="M2 15 L8 9 L11 12 L18 4" fill="none" stroke="currentColor" stroke-width="2.4" />
            <circle cx="18" cy="4" r="2" fill="currentColor" />
          </svg>
          Faultline
        </Link>
        <nav aria-label="Main">
          <Link href="/" class={route.page === 'failures' ? 'active' : undefined}>
            Failures
          </Link>
          <Link
            href="/traces"
            class={route.page === 'traces' || route.page === 'trace' ? 'active' : undefined}
          >
            Traces
          </Link>
          <Link href="/map" class={route.page === 'map' ? 'active' : undefined}>
            Service map
          </Link>
        </nav>
        <span class="shortcuts-hint muted" title="Keyboard shortcuts">
          <kbd>/</kbd> search · <kbd>j</kbd>
          <kbd>k</kbd> spans · <kbd>e</kbd> next error · <kbd>o</kbd> origin · <kbd>c</kbd> critical path
        </span>
        <ImportButton busy={importer.state.step === 'importing'} onFile={importer.importFile} />
      </header>
      <ImportNotice state={importer.state} onDismiss={importer.dismiss} />
      <DropImport onFile={importer.importFile} />
      <div key={generation}>
        {route.page === 'failures' && <FailuresPage />}
        {route.page === 'traces' && <TracesPage params={route.params} />}
        {route.page === 'trace' && <TracePage traceId={route.traceId} spanId={route.spanId} />}
        {route.page === 'map' && <MapPage traceId={route.traceId} />}
        {route.page === 'not-found' && (
          <main class="page">
            <h1>Not found</h1>
            <p>
              There is no page at <code>{route.path}</code>. <Link href="/">Back to failures</Link>.
            </p>
          </main>
        )}
      </div>
      {needsToken && (
        <TokenPrompt
          onSaved={() => {
            setNeedsToken(false);
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </>
  );
}
