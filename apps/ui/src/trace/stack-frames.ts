import { type FrameOrigin, frameOrigin } from '@faultline/diagnosis';

/** One line of a stack trace: a frame (`at fn (file:line:col)`) or a message line. */
export interface StackLine {
  text: string;
  /** Undefined for message lines (the `Error: …` header, `cause:` lines). */
  origin: FrameOrigin | undefined;
}

/** A V8 frame line: `    at fn (location)` or `    at location`. */
const FRAME = /^\s*at\s+(?:.*?\((.*)\)|(.*))\s*$/;

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
