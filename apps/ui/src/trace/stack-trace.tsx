import { parseStackTrace } from './stack-frames.js';

/**
 * A stack trace with the application's own frames emphasised and dependency (`node_modules`) and Node
 * (`node:`) frames dimmed, so the eye lands on the line in your code.
 */
export function StackTrace(props: { stacktrace: string }) {
  const lines = parseStackTrace(props.stacktrace);
  const firstApp = lines.findIndex((l) => l.origin === 'app');
  return (
    <ol class="stack-trace" aria-label="Stack trace">
      {lines.map((line, i) => (
        <li
          key={i}
          class={[
            line.origin ? `frame frame-${line.origin}` : 'frame-message',
            i === firstApp ? 'frame-top-app' : '',
          ].join(' ')}
          data-frame={line.origin ?? 'message'}
          title={i === firstApp ? 'First frame in your code' : undefined}
        >
          {line.text}
        </li>
      ))}
    </ol>
  );
}
