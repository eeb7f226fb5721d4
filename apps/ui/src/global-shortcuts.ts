import { navigate } from './router/history.js';

/** True when a key press is meant for a text field, not for a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * `/` focuses the page's search field (`[data-search-input]`); on a page without one it opens the
 * traces search. Page-specific keys (j/k/e/o on a trace) are handled by that page.
 */
export function installGlobalShortcuts(): void {
  window.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.metaKey || event.ctrlKey || event.altKey) return;
    if (isTypingTarget(event.target)) return;
    event.preventDefault();
    const input = document.querySelector<HTMLElement>('[data-search-input]');
    if (input) input.focus();
    else {
      navigate('/traces');
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-search-input]')?.focus());
    }
  });
}
