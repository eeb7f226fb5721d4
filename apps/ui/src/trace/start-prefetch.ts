import { prefetchTrace } from './trace-loading.js';

// Imported first by main.tsx: modules run in import order, so the trace page's request leaves
// before the rest of the app's modules are evaluated, not after.
prefetchTrace(location);
