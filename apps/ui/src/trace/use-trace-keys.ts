import { useEffect, useRef } from 'preact/hooks';
import { isTypingTarget } from '../global-shortcuts.js';

/**
 * The trace page's keys: `j`/`k` next/previous span, `e` next error, `o` origin, `c` critical path on
 * or off, Escape closes details.
 */
export interface TraceKeyActions {
  next: () => void;
  previous: () => void;
  nextError: () => void;
  origin: () => void;
  close: () => void;
  criticalPath: () => void;
}

const KEY_ACTIONS: Record<string, keyof TraceKeyActions | undefined> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'previous',
  ArrowUp: 'previous',
  e: 'nextError',
  o: 'origin',
  c: 'criticalPath',
  Escape: 'close',
};

/** Listens for the trace page's single-letter shortcuts while the page is mounted. */
export function useTraceKeys(actions: TraceKeyActions): void {
  // The listener is installed once; the ref always holds this render's actions.
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTypingTarget(event.target)) return;
      const action = KEY_ACTIONS[event.key];
      if (!action) return;
      // Arrow keys keep their scrolling meaning unless the waterfall has focus.
      if (event.key.startsWith('Arrow') && !(event.target as HTMLElement | null)?.closest?.('.waterfall'))
        return;
      event.preventDefault();
      latest.current[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
