import { render } from 'preact';
import { App } from './app.js';
import { installGlobalShortcuts } from './global-shortcuts.js';
import { prefetchTrace } from './trace/trace-loading.js';
import './styles.css';

// First, so the trace page's request is on its way while the app renders.
prefetchTrace(location);
installGlobalShortcuts();
render(<App />, document.getElementById('app')!);
