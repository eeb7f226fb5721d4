import { useEffect, useRef, useState } from 'preact/hooks';

/** What a polled load has produced so far. */
export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Loads again now, without waiting for the next tick. */
  refresh: () => void;
}

/**
 * Loads now and then every `intervalMs` (0: once), restarting when `deps` change. The next load is
 * scheduled after the previous one settles, so a slow collector never gets overlapping requests; a
 * hidden tab skips its ticks.
 */
export function usePolled<T>(
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'refresh'>>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const kick = useRef<() => void>(() => {});

  // The caller names what the load depends on (`deps`), as with useEffect itself.
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let loadedOnce = false;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    const run = async () => {
      if (running || controller.signal.aborted) return;
      clearTimeout(timer);
      running = true;
      if (!loadedOnce || !document.hidden) {
        loadedOnce = true;
        try {
          const data = await load(controller.signal);
          if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
        } catch (error) {
          if (!controller.signal.aborted) setState((s) => ({ ...s, error: error as Error, loading: false }));
        }
      }
      running = false;
      if (intervalMs > 0 && !controller.signal.aborted) timer = setTimeout(run, intervalMs);
    };
    kick.current = () => void run();
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, deps);

  return { ...state, refresh: () => kick.current() };
}
