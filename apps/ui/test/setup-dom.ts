import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';

// Vitest runs without globals, so the testing library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  history.replaceState(null, '', '/');
});
