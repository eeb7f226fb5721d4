import './trace/start-prefetch.js';
import { render } from 'preact';
import { App } from './app.js';
import { installGlobalShortcuts } from './global-shortcuts.js';
import './styles.css';

installGlobalShortcuts();
render(<App />, document.getElementById('app')!);
