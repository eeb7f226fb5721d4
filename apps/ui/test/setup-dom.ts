import { cleanup } from '@testing-library/preact';
import { afterEach, vi } from 'vitest';

// Vitest runs without globals, so the testing library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  history.replaceState(null, '', '/');
});
