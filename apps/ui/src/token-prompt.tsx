import { useState } from 'preact/hooks';
import { writeToken } from './api/token-store.js';

/** Asks for the collector's API token after a 401, and stores it for the next requests. */
export function TokenPrompt(props: { onSaved: () => void }) {
  const [token, setToken] = useState('');
  return (
    <div class="token-prompt" role="dialog" aria-modal="true" aria-labelledby="token-title">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          writeToken(token.trim());
          props.onSaved();
        }}
      >
        <h2 id="token-title">This collector needs a token</h2>
        <p class="muted">
          It was started with <code>FAULTLINE_TOKEN</code>. Enter the same value; it is kept in this browser
          only.
        </p>
        <input
          type="password"
          autoComplete="current-password"
          aria-label="API token"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog exists only to take this one value
          autoFocus
        />
        <button type="submit" class="primary" disabled={token.trim() === ''}>
          Save token
        </button>
      </form>
    </div>
  );
}
