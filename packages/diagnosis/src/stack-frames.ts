import type { StackFrame } from './types.js';

// V8 frame shapes (https://v8.dev/docs/stack-trace-api):
//   at getOrder (/app/src/orders.js:42:11)
//   at async getOrder (file:///app/src/orders.mjs:42:11)
//   at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
//   at /app/src/server.js:10:3
//   at new OrderError (/app/src/errors.js:3:5)
const FRAME_WITH_FUNCTION = /^\s*at (?:async )?(.+?) \((.+?)(?::(\d+))?(?::(\d+))?\)$/;
const FRAME_WITHOUT_FUNCTION = /^\s*at (?:async )?(.+?)(?::(\d+))?(?::(\d+))?$/;

/** Parses the `at ...` lines of a V8 stack trace; lines that are not frames are skipped. */
export function parseStack(stacktrace: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stacktrace.split('\n')) {
    if (!/^\s*at /.test(line)) continue;
    const withFunction = FRAME_WITH_FUNCTION.exec(line);
    const match = withFunction ?? FRAME_WITHOUT_FUNCTION.exec(line);
    if (!match) continue;
    const [file, lineText, columnText] = withFunction ? match.slice(2) : match.slice(1);
    const frame: StackFrame = { file: stripScheme(file!) };
    if (withFunction) frame.functionName = match[1]!;
    if (lineText) frame.line = Number(lineText);
    if (columnText) frame.column = Number(columnText);
    frames.push(frame);
  }
  return frames;
}

/** Where a stack frame's code lives: the application, a dependency, or Node itself. */
export type FrameOrigin = 'app' | 'library' | 'runtime';

/**
 * Classifies where a frame's location (a file, with or without `:line:column`) points: `node:` and
 * `internal/` are Node's own code, as are locations without a path (`native`, `<anonymous>`, `vm`
 * scripts); `node_modules` is a dependency. The one classifier of the diagnosis and the UI.
 */
export function frameOrigin(location: string): FrameOrigin {
  const file = location.replace(/\\/g, '/');
  if (file.startsWith('node:') || file.startsWith('internal/')) return 'runtime';
  if (file.includes('/node_modules/')) return 'library';
  // Our own instrumentation wraps driver calls, so it sits on top of a driver's stack; inside this
  // repository (a workspace link, no node_modules in the real path) it must not pass for app code.
  if (/\/(?:@faultline\/instrument|packages\/instrument\/dist)\//.test(file)) return 'library';
  if (file === 'native' || file.startsWith('<anonymous>') || file.startsWith('evalmachine')) return 'runtime';
  return /[/.]/.test(file) ? 'app' : 'runtime';
}

/** True for a frame in the application's own code: not a dependency, not Node's internals. */
export function isInAppFrame(frame: StackFrame): boolean {
  return frameOrigin(frame.file) === 'app';
}

/** The first frame of `stacktrace` in application code, or undefined. */
export function topInAppFrame(stacktrace: string | undefined): StackFrame | undefined {
  if (!stacktrace) return undefined;
  return parseStack(stacktrace).find(isInAppFrame);
}

/** `file:function` of a frame without line numbers, stable across releases that move code around. */
export function frameIdentity(frame: StackFrame): string {
  return `${frame.file}:${frame.functionName ?? '<top-level>'}`;
}

function stripScheme(file: string): string {
  return file.startsWith('file://') ? file.slice('file://'.length) : file;
}
