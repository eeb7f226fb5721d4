/** Where a stack frame's code lives: the application, a dependency, or Node itself. */
export type FrameOrigin = 'app' | 'library' | 'runtime';

/** One line of a stack trace: a frame (`at fn (file:line:col)`) or a message line. */
export interface StackLine {
  text: string;
  /** Undefined for message lines (the `Error: …` header, `cause:` lines). */
  origin: FrameOrigin | undefined;
}

/** A V8 frame line: `    at fn (location)` or `    at location`. */
const FRAME = /^\s*at\s+(?:.*?\((.*)\)|(.*))\s*$/;

/**
 * Classifies where a frame location points. `node:` and `internal/` are Node's own code;
 * `node_modules` is a dependency; a location without a path (`<anonymous>`, `native`) is runtime.
 */
export function frameOrigin(location: string): FrameOrigin {
  const normalised = location.replace(/\\/g, '/');
  if (normalised.startsWith('node:') || normalised.startsWith('internal/')) return 'runtime';
  if (normalised.includes('/node_modules/')) return 'library';
  if (!/[/.]/.test(normalised) || normalised === 'native' || normalised.startsWith('<anonymous>'))
    return 'runtime';
  return 'app';
}

/** Splits a V8 stack trace into lines and marks each frame app, library or runtime. */
export function parseStackTrace(stacktrace: string): StackLine[] {
  return stacktrace
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const frame = FRAME.exec(line);
      if (!frame) return { text: line, origin: undefined };
      const location = (frame[1] ?? frame[2] ?? '').trim();
      return { text: line.trim(), origin: frameOrigin(location) };
    });
}
